package dev.molt.engine.guarantees;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.WeightChange;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12.10: a rollout to the revision that already serves does nothing; a rollout to capacity
 * 0 never puts weight on a revision without instances, and takes a serving fleet to zero only
 * with an explicit opt-in.
 */
class NoOpAndZeroTest {
  static final Revision V1 = Fixtures.V1.revision();

  static Stream<Strategy> strategies() {
    return Stream.of(RollingUpdate.defaults(), BlueGreen.defaults(),
        Canary.of(setWeight(25), pause(Duration.ofMinutes(10)), setWeight(100)));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void aRolloutToTheRevisionThatAlreadyServesMakesNoCallAndNoWait(Strategy strategy) {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Instant start = f.time.now();
    long launches = f.platform.callCount("launch");

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V1, 4).strategy(strategy).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.platform.callCount("set-weights")).isZero();
    assertThat(f.platform.callCount("launch")).isEqualTo(launches);
    assertThat(f.platform.callCount("drain")).isZero();
    assertThat(Duration.between(start, f.time.now())).isLessThan(Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void capacityZeroOnAServingFleetIsRefusedWithoutTheOptInAndTouchesNothing(Strategy strategy) {
    Fixtures f = new Fixtures();
    f.deployV1(3);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 0).strategy(strategy).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.FAILED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("capacity 0").contains("allowScaleToZero(true)").contains("nothing was touched"));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(3);
    assertThat(f.platform.callCount("drain") + f.platform.callCount("terminate")
        + f.platform.callCount("set-weights")).isZero();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void capacityZeroWithTheOptInRemovesTheFleetWithoutWeightingARevisionWithoutInstances(
      Strategy strategy) {
    Fixtures f = new Fixtures();
    f.deployV1(3);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 0).allowScaleToZero(true)
        .strategy(strategy).build());

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.platform.instances(Fixtures.FLEET)).isEmpty();
    assertThat(f.platform.weightHistory(Fixtures.FLEET)).extracting(WeightChange::weights)
        .allSatisfy(w -> assertThat(w.getOrDefault(Fixtures.V2.revision(), 0)).isZero());
    assertThat(f.platform.callCount("launch")).isEqualTo(1); // only the v1 deploy's
  }
}
