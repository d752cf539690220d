package dev.molt.benchmarks;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.matchTrafficScale;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.gate.Analysis;
import dev.molt.gate.HealthyShare;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-computed canaries; W = 30 s (launch 20 s + healthy 10 s), D = 5 s, unless stated. */
class CanaryOracleTest {
  private static final Latencies L = Latencies.defaults();
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static Canary canary(String surge, String unavailable, CanaryStep... steps) {
    return new Canary(List.of(steps), RollingUpdate.of(Amount.parse(surge),
        Amount.parse(unavailable)));
  }

  private static long seconds(int n, Canary c, boolean router) {
    return CanaryOracle.makespan(n, c, router, L).toSeconds();
  }

  @Test
  void weightsThroughARouterCostOneWaveEachThenTheStableDrain() {
    // 1 canary (30) + 60 + 4 more (30) + 60 + 5 more (30); nothing left to promote; drain 5
    Canary c = canary("25%", "0", setWeight(10), pause(MINUTE), setWeight(50), pause(MINUTE),
        setWeight(100));
    assertThat(seconds(10, c, true)).isEqualTo(215);
    assertThat(seconds(10_000, c, true)).isEqualTo(215);
  }

  @Test
  void aWeightThatNeedsNoNewInstanceCostsNothing() {
    // ceil(10 * 5 / 100) = 1 and ceil(10 * 10 / 100) = 1: one wave; promotion 9 left, surge 3:
    // 3 waves; drain
    Canary c = canary("3", "0", setWeight(5), setWeight(10));
    assertThat(seconds(10, c, true)).isEqualTo(30 + 3 * 30 + 5);
  }

  @Test
  void thePromotionLaunchesAtMostMaxSurgeAtATime() {
    // pre-sized to 25% of 10 = 3 (rounded up): one wave; the weights only switch; pauses 120;
    // promotion: 7 left in waves of 3 -> 3 waves; drain
    Canary c = canary("25%", "0", setScale(Amount.percent(25)), setWeight(5), pause(MINUTE),
        setWeight(20), pause(MINUTE));
    assertThat(seconds(10, c, true)).isEqualTo(30 + 120 + 90 + 5);
    // 4 instances, canary of 2, surge 1: two waves of one
    assertThat(seconds(4, canary("1", "0", setWeight(50)), true)).isEqualTo(30 + 2 * 30 + 5);
    // surge 0 still launches one at a time: 3 waves for the 3 left of 4
    assertThat(seconds(4, canary("0", "1", setWeight(25)), true)).isEqualTo(30 + 3 * 30 + 5);
  }

  @Test
  void aCanaryWithoutStepsIsRefused() {
    // a canary needs a step: with none it would be a rolling update under another name
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> canary("25%", "0"))
        .isInstanceOf(dev.molt.InvalidSpecException.class).hasMessageStartingWith("steps: ");
  }

  @Test
  void withoutARouterTheReplicaRatioSetsTheSizeAndPromotionIsARollingUpdate() {
    // round(10/9) = 1 canary (30) + 60 + round(10/3) = 3 (30) + 60; then a rolling update of 10
    // with 3 new ready, surge 3: 110 s (RollingOracleTest)
    Canary c = canary("25%", "0", setWeight(10), pause(MINUTE), setWeight(25), pause(MINUTE));
    assertThat(seconds(10, c, false)).isEqualTo(30 + 60 + 30 + 60 + 110);
    // 50% without a router is N beside N: the rolling update only drains, all at once
    assertThat(seconds(10, canary("25%", "0", setWeight(50)), false)).isEqualTo(30 + 5);
  }

  @Test
  void theMinReadyTimeLengthensEveryWave() {
    Canary c = new Canary(List.of(setWeight(100)), RollingUpdate.defaults()
        .withMinReadyTime(Duration.ofSeconds(10)));
    assertThat(seconds(10, c, true)).isEqualTo(40 + 5);
  }

  @Test
  void canarySizesFollowTheDocumentedCounts() {
    Optional<Amount> none = Optional.empty();
    assertThat(CanaryOracle.canarySize(10, 15, none, true)).isEqualTo(2); // ceil(1.5)
    assertThat(CanaryOracle.canarySize(10, 10, none, false)).isEqualTo(1); // round(100/90)
    assertThat(CanaryOracle.canarySize(10, 1, none, false)).isEqualTo(1); // at least one
    assertThat(CanaryOracle.canarySize(10, 90, none, false)).isEqualTo(10); // at most N
    assertThat(CanaryOracle.canarySize(10, 100, none, false)).isEqualTo(10);
    assertThat(CanaryOracle.canarySize(10, 0, none, true)).isZero();
    Optional<Amount> zero = Optional.of(Amount.of(0));
    assertThat(CanaryOracle.canarySize(10, 10, zero, true)).isEqualTo(1); // weight needs one
    assertThat(CanaryOracle.canarySize(10, 0, Optional.of(Amount.percent(25)), true))
        .isEqualTo(3);
    assertThat(CanaryOracle.canarySize(10, 0, Optional.of(Amount.of(40)), true)).isEqualTo(10);
  }

  @Test
  void stepsTheStrategyDoesNotTimeAreRefused() {
    assertThatThrownBy(() -> seconds(10, canary("25%", "0", pauseUntilResumed()), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pause until resumed");
    assertThatThrownBy(() -> seconds(10, canary("25%", "0",
        analyze(Analysis.of(new HealthyShare(1.0)))), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("analyze");
    assertThatThrownBy(() -> seconds(10, canary("25%", "0", setScale(Amount.percent(50)),
        setWeight(10), matchTrafficScale()), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 -> 1");
  }

  @Test
  void anEmptyFleetTakesNoTime() {
    assertThat(seconds(0, canary("25%", "0", setWeight(50)), true)).isZero();
  }
}
