package dev.molt.engine.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InstanceBehavior;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.3: a rollout paused while still PENDING must record where it started from, so that a
 * later failure rolls back to it (the fleet back at full capacity) and undo stays possible.
 */
class PauseBeforeFirstTickTest {

  @Test
  void aRolloutPausedBeforeItsFirstTickStillRecordsItsOriginAndRollsBackToIt() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(Fixtures.V2.revision(), InstanceBehavior.defaults().neverHealthy());
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).build());
    h.pause(); // before virtual time ran a single task: the rollout is PENDING

    f.time.advance(Duration.ofMinutes(1));
    assertThat(h.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(h.current().from()).contains(Fixtures.V1.revision());
    assertThat(h.current().events(RolloutEvent.Type.STARTED)).hasSize(1);
    assertThat(f.platform.callCount("launch")).isEqualTo(1); // the v1 deploy's, nothing since

    h.resume();
    Rollout done = h.await();

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
    assertThat(f.count(Fixtures.V2)).isZero();
  }

  @Test
  void aRolloutPausedBeforeItsFirstTickCanBeUndone() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 3).build());
    h.pause();
    f.time.advance(Duration.ofSeconds(10));
    h.resume();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    Rollout back = h.undo().await();

    assertThat(back.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(3);
  }
}
