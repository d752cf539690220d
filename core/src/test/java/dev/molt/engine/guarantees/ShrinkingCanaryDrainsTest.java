package dev.molt.engine.guarantees;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutHandle;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.6: a canary that shrinks must drain its healthy instances, ready for the minimum time
 * or not (a router may already send them requests), before it terminates them.
 */
class ShrinkingCanaryDrainsTest {

  @Test
  void aShrinkingCanaryDrainsHealthyInstancesThatAreNotYetReadyInsteadOfTerminatingThem() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), setScale(Amount.of(3)), setScale(Amount.of(1)),
            pause(Duration.ofMinutes(1)), setWeight(100))
            .withPromotion(RollingUpdate.defaults().withMinReadyTime(Duration.ofMinutes(5))))
        .build());
    // the scale-up to 3 launched two more; once they are healthy (not yet ready for 5 min),
    // skip the step: the next one shrinks the canary to 1 while they may already serve
    f.time.runUntil(() -> f.platform.instances(Fixtures.FLEET).stream()
        .filter(i -> i.revision().equals(Fixtures.V2.revision()) && i.isHealthy()).count() == 3,
        f.time.now().plus(Duration.ofHours(1)));
    h.promote();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    List<RolloutEvent> history = h.current().history();
    Set<String> drained = ids(history, RolloutEvent.Type.DRAINING);
    Set<String> terminated = ids(history, RolloutEvent.Type.TERMINATED);
    assertThat(terminated).as("%s", history).isNotEmpty();
    assertThat(drained).as("every terminated canary instance was drained first: %s", history)
        .containsAll(terminated);
  }

  @Test
  void aCanaryShrunkBeforeALongPauseTerminatesItsDrainedInstancesDuringThePause() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Duration drainTimeout = Duration.ofSeconds(30);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).drainTimeout(drainTimeout)
        .strategy(Canary.of(setWeight(25), setScale(Amount.of(3)), setScale(Amount.of(1)),
            pause(Duration.ofHours(1)), setWeight(100))).build());
    f.time.runUntil(() -> h.current().history().stream().anyMatch(e -> e.type()
        == RolloutEvent.Type.DRAINING), f.time.now().plus(Duration.ofHours(1)));
    java.time.Instant drainStarted = f.time.now();

    // well inside the hour's pause, the drained canary instance is gone, not left behind
    f.time.runUntil(() -> false, drainStarted.plus(drainTimeout).plus(Duration.ofMinutes(1)));

    assertThat(f.platform.instances(Fixtures.FLEET).stream()
        .filter(i -> i.revision().equals(Fixtures.V2.revision()))
        .map(i -> i.state()).toList()).as("%s", h.current().history())
        .containsExactly(dev.molt.InstanceState.HEALTHY);
    assertThat(h.current().phase()).isEqualTo(RolloutPhase.PROGRESSING);
  }

  @Test
  void aCanaryHeldForAPersonAfterAShrinkStillTerminatesWhatItDrained() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Duration drainTimeout = Duration.ofSeconds(30);
    // its drain outlasts the step: still draining when the hold for a person begins
    f.platform.script(Fixtures.V2.revision(), dev.molt.inmemory.InstanceBehavior.healthy(
        Duration.ofSeconds(20), Duration.ofSeconds(10)).withDrainTime(Duration.ofMinutes(5)));
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).drainTimeout(drainTimeout)
        .strategy(Canary.of(setWeight(25), setScale(Amount.of(3)), setScale(Amount.of(1)),
            CanaryStep.pauseUntilResumed(), setWeight(100)))
        .build());
    f.time.runUntil(() -> h.current().phase() == RolloutPhase.PAUSED,
        f.time.now().plus(Duration.ofHours(1)));

    f.time.runUntil(() -> false, f.time.now().plus(drainTimeout).plus(Duration.ofMinutes(1)));

    assertThat(h.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(f.platform.instances(Fixtures.FLEET).stream()
        .filter(i -> i.revision().equals(Fixtures.V2.revision()))
        .map(i -> i.state()).toList()).as("%s", h.current().history())
        .containsExactly(dev.molt.InstanceState.HEALTHY);
    h.promote();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void aSetScaleAfterTheCanaryTookAllTheTrafficNeverShrinksWhatCarriesIt() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(100), setScale(Amount.percent(25)),
            pause(Duration.ofMinutes(5)))).build());

    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    // the four canary instances carried 100 % from the first step: none was drained at set-scale
    assertThat(h.current().history()).as("%s", h.current().history())
        .noneMatch(e -> e.type() == RolloutEvent.Type.DRAINING
            && e.message().contains(Fixtures.V2.revision().toString()));
    assertThat(f.platform.createdCount(Fixtures.FLEET)).isEqualTo(8);
  }

  private static Set<String> ids(List<RolloutEvent> history, RolloutEvent.Type type) {
    return history.stream().filter(e -> e.type() == type)
        .flatMap(e -> List.of(e.message().replaceAll(".*instances=(\\S+).*", "$1").split(","))
            .stream())
        .collect(Collectors.toSet());
  }
}
