package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Listeners hear events outside the rollout's lock, in order, once each: a
 * listener that takes its time (a webhook, a store) never holds up a control from another thread,
 * and a listener may act on the rollout it hears.
 */
class ListenerDeliveryTest {

  @Test
  void aControlFromAnotherThreadGoesThroughWhileAListenerRuns() throws Exception {
    AtomicReference<RolloutHandle> handle = new AtomicReference<>();
    AtomicReference<Boolean> pausedAlongside = new AtomicReference<>();
    RolloutListener slow = (rollout, event) -> {
      if (!ours(handle, rollout) || event.type() != RolloutEvent.Type.LAUNCHED
          || pausedAlongside.get() != null) {
        return;
      }
      Thread other = new Thread(() -> handle.get().pause());
      other.start();
      try {
        other.join(TimeUnit.SECONDS.toMillis(10)); // bounded: before the fix this never ended
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      pausedAlongside.set(!other.isAlive());
    };
    Fixtures f = new Fixtures(slow);
    f.deployV1(4);
    handle.set(f.engine.start(Fixtures.rollout(Fixtures.V2, 4).build()));
    assertThat(f.time.runUntil(() -> pausedAlongside.get() != null, hourFromNow(f))).isTrue();

    assertThat(pausedAlongside.get()).as("pause() returned while the listener ran").isTrue();
    assertThat(handle.get().current().phase()).isEqualTo(RolloutPhase.PAUSED);
    handle.get().resume();
    assertThat(handle.get().await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void aListenerActingOnItsRolloutHearsEveryEventOnceInOrder() {
    List<RolloutEvent> heard = new CopyOnWriteArrayList<>();
    AtomicReference<RolloutHandle> handle = new AtomicReference<>();
    RolloutListener acting = (rollout, event) -> {
      if (!ours(handle, rollout)) {
        return; // the deployment of v1 before
      }
      heard.add(event);
      if (event.type() == RolloutEvent.Type.LAUNCHED && rollout.phase() == RolloutPhase.PROGRESSING
          && heard.stream().noneMatch(e -> e.type() == RolloutEvent.Type.PAUSED)) {
        handle.get().pause(); // re-entrant: told after this event, not inside it
        heard.add(null); // marks where the pause returned
      }
    };
    Fixtures f = new Fixtures(acting);
    f.deployV1(4);
    handle.set(f.engine.start(Fixtures.rollout(Fixtures.V2, 4).build()));
    assertThat(f.time.runUntil(() -> handle.get().current().phase() == RolloutPhase.PAUSED,
        hourFromNow(f))).isTrue();
    handle.get().resume();
    Rollout done = handle.get().await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<RolloutEvent> told = new ArrayList<>(heard);
    int mark = told.indexOf(null);
    assertThat(told.get(mark + 1).type()).as("the pause is told after the event that caused it")
        .isEqualTo(RolloutEvent.Type.PAUSED);
    told.remove(mark);
    assertThat(told).as("every event once, in the order of the history")
        .containsExactlyElementsOf(done.history());
  }

  private static boolean ours(AtomicReference<RolloutHandle> handle, Rollout rollout) {
    return handle.get() != null && handle.get().id().equals(rollout.id());
  }

  private static java.time.Instant hourFromNow(Fixtures f) {
    return f.time.clock().instant().plus(java.time.Duration.ofHours(1));
  }
}
