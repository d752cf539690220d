package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.InstanceState;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regressions found by the fault campaign in canaries with set-scale steps: a set-scale below one
 * instance drained every canary instance while the router still sent it traffic; and scaling the
 * canary down then up launched new instances beside the ones still draining, past twice the
 * capacity.
 */
class CanaryScaleStepTest {
  private final Fixtures f = new Fixtures(InstanceBehavior.healthy(Duration.ofSeconds(20),
      Duration.ofSeconds(10)).withDrainTime(Duration.ofSeconds(40)));
  private final List<String> problems = new ArrayList<>();
  private int peak;

  private void run(CanaryStep... steps) {
    run(RollingUpdate.of(Amount.percent(100), Amount.of(0)), steps);
  }

  private void run(RollingUpdate promotion, CanaryStep... steps) {
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(steps).withPromotion(promotion)).build());
    Instant giveUp = f.time.now().plus(Duration.ofHours(2));
    while (!handle.completion().isDone() && f.time.now().isBefore(giveUp)) {
      f.time.advance(Duration.ofSeconds(1));
      check();
    }
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  private void check() {
    peak = Math.max(peak, (int) f.platform.instances(Fixtures.FLEET).stream()
        .filter(i -> i.state() != InstanceState.FAILED && i.state() != InstanceState.DRAINED)
        .count());
    int canaryWeight = f.platform.router().orElseThrow().weights(Fixtures.FLEET)
        .getOrDefault(Fixtures.V2.revision(), 0);
    if (f.healthy(Fixtures.V1) + f.healthy(Fixtures.V2) < 4) {
      problems.add(f.time.now() + ": fewer than 4 serving");
    }
    if (canaryWeight > 0 && f.healthy(Fixtures.V2) == 0) {
      problems.add(f.time.now() + ": " + canaryWeight + "% on a canary with no healthy instance");
    }
  }

  @Test
  void aSetScaleBelowOneInstanceKeepsOneWhileTheCanaryCarriesTraffic() {
    run(setWeight(25), setScale(Amount.percent(0)), setWeight(100));

    assertThat(problems).isEmpty();
  }

  @Test
  void aCanaryShrunkAfterTakingAllTrafficIsScaledBackUpBeforeTheStableFleetIsDrained() {
    run(RollingUpdate.of(Amount.of(1), Amount.of(1)), setWeight(100), setScale(Amount.of(1)));

    assertThat(problems).isEmpty();
  }

  @Test
  void scalingTheCanaryDownThenUpNeverRunsMoreThanTwiceTheCapacity() {
    run(setScale(Amount.of(2)), setScale(Amount.of(1)));

    assertThat(peak).as("instances at the peak, draining ones included").isLessThanOrEqualTo(8);
  }
}
