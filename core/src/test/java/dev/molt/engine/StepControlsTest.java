package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.FailurePolicy;
import dev.molt.Fixtures;
import dev.molt.rollout.IllegalControlException;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.MetricSource;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepControlsTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();

  static Analysis comparison(MetricSource source) {
    return Analysis.of(MetricComparison.higherIsWorse(source, "latency{revision=\"{revision}\"}",
        Duration.ofMinutes(5), Duration.ofSeconds(15))).times(3, Duration.ofMinutes(1))
        .withTolerance(2, 0);
  }

  @Test
  void emptyOrNaNMetricsPauseTheRolloutWithInsufficientData() {
    for (MetricSource source : List.<MetricSource>of(q -> List.of(),
        q -> List.of(Double.NaN, Double.NaN))) {
      Fixtures f = new Fixtures();
      f.deployV1(10);
      RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 10)
          .strategy(Canary.of(setWeight(10), analyze(comparison(source)), setWeight(100)))
          .build());

      f.time.advance(Duration.ofHours(2));

      assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
      assertThat(handle.current().reason()).hasValueSatisfying(r -> assertThat(r)
          .contains("verdict=INSUFFICIENT_DATA").contains("measurements=3"));
      assertThat(CanaryTest.weights(f.platform)).containsExactly(Map.of(V1, 90, V2, 10));
      handle.abort("no data");
      assertThat(handle.await().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
      assertThat(f.count(Fixtures.V2)).isZero();
    }
  }

  @Test
  void insufficientDataFailsTheRolloutWhenConfigured() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    Analysis strict = comparison(q -> List.of()).withOnInconclusive(
        Analysis.OnInconclusive.FAIL);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(Canary.of(setWeight(10), analyze(strict), setWeight(100))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("INSUFFICIENT_DATA"));
  }

  @Test
  void aFailedAnalysisPausesUnderThePausePolicy() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Analysis strict = comparison(q -> List.of()).withOnInconclusive(
        Analysis.OnInconclusive.FAIL);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .onFailure(FailurePolicy.PAUSE)
        .strategy(Canary.of(setWeight(25), analyze(strict), setWeight(100))).build());

    f.time.advance(Duration.ofHours(1));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThatThrownBy(handle::promote).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("resume() or abort() are valid");
    handle.abort("give up");
    handle.await();
  }

  @Test
  void aPauseUntilResumedHoldsAndResumeGoesOn() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), pauseUntilResumed(), setWeight(100))).build());

    f.time.advance(Duration.ofHours(5));
    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(CanaryTest.weights(f.platform)).containsExactly(Map.of(V1, 75, V2, 25));

    handle.resume();
    handle.awaitSuccess();
    assertThat(CanaryTest.weights(f.platform)).containsExactly(Map.of(V1, 75, V2, 25),
        Map.of(V1, 0, V2, 100));
  }

  /** Starts a canary of two one-hour pauses and runs it to its first weight. */
  static RolloutHandle twoHourCanaryAtFirstWeight(Fixtures f) {
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), pause(Duration.ofHours(1)), setWeight(50),
            pause(Duration.ofHours(1)))).build());
    f.time.runUntil(() -> !CanaryTest.weights(f.platform).isEmpty(),
        f.time.now().plus(Duration.ofHours(1)));
    return handle;
  }

  @Test
  void promoteFullSkipsTheRemainingSteps() {
    Fixtures f = new Fixtures();
    RolloutHandle handle = twoHourCanaryAtFirstWeight(f);

    handle.promoteFull();
    Rollout done = handle.awaitSuccess();

    assertThat(done.elapsed()).isLessThan(Duration.ofHours(1));
    assertThat(CanaryTest.weights(f.platform)).containsExactly(Map.of(V1, 75, V2, 25),
        Map.of(V1, 0, V2, 100));
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(4);
  }

  @Test
  void promoteSkipsOnlyTheCurrentStep() {
    Fixtures f = new Fixtures();
    RolloutHandle handle = twoHourCanaryAtFirstWeight(f);

    handle.promote();
    Rollout done = handle.awaitSuccess();

    assertThat(done.elapsed()).isBetween(Duration.ofHours(1), Duration.ofHours(2));
    assertThat(CanaryTest.weights(f.platform)).containsExactly(Map.of(V1, 75, V2, 25),
        Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
  }

  @Test
  void promoteIsRefusedForARollingUpdate() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThatThrownBy(handle::promote).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("blue-green and canary");
    assertThatThrownBy(handle::retry).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("retry is valid once a rollout ended FAILED or ROLLED_BACK");
    handle.await();
  }

  @Test
  void retryStartsAFailedRolloutAgain() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    f.platform.script(V2, InstanceBehavior.defaults().failingLaunch());
    RolloutHandle first = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThat(first.await().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    f.platform.script(V2, InstanceBehavior.defaults()); // the platform recovered

    RolloutHandle second = first.retry();

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.awaitSuccess().to()).isEqualTo(V2);
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(2);
  }

  @Test
  void undoAfterSuccessRollsBackToThePreviousRevision() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 3).build());
    handle.awaitSuccess();

    RolloutHandle undo = handle.undo();

    assertThat(undo).isNotSameAs(handle);
    assertThat(undo.awaitSuccess().to()).isEqualTo(V1);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(3);
    assertThat(f.count(Fixtures.V2)).isZero();
  }
}
