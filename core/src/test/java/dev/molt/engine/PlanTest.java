package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.gate.Gate;
import dev.molt.gate.Verdict;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.BlueGreen;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();

  @Test
  void aCanaryPlanListsItsStepsPeakAndDuration() {
    // launch 20 s, healthy 10 s later, drained at once
    Fixtures f = new Fixtures(InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)).withDrainTime(Duration.ZERO));
    f.deployV1(10);
    long callsBefore = f.platform.calls().size();

    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(CanaryTest.canary(Gate.constant(Verdict.FAIL))).build());

    assertThat(plan.steps()).extracting(RolloutPlan.Step::description).containsExactly(
        "set-weight 10%", "pause 10m00s", "analyze constant-fail x1", "set-weight 50%",
        "pause 10m00s", "set-weight 100%");
    assertThat(plan.steps()).extracting(RolloutPlan.Step::traffic).containsExactly(
        Map.of(V1, 90, V2, 10), Map.of(V1, 90, V2, 10), Map.of(V1, 90, V2, 10),
        Map.of(V1, 50, V2, 50), Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
    assertThat(plan.steps()).extracting(RolloutPlan.Step::instances)
        .containsExactly(11, 11, 11, 15, 15, 20);
    assertThat(plan.peakInstances()).isEqualTo(20);
    assertThat(plan.peakOverDesired()).isEqualTo(10);
    // the two 10-minute pauses plus three launch waves (1, 4, 5 instances) of 20 s + 10 s
    Duration launchAndHealth = Duration.ofSeconds(30);
    assertThat(plan.expectedDuration()).isEqualTo(Duration.ofMinutes(20)
        .plus(launchAndHealth.multipliedBy(3)));
    assertThat(plan.steps().get(1).rollback().singleSwitch()).isTrue();
    assertThat(plan.steps().get(1).rollback().destroys()).isEqualTo(1);
    // nothing real was touched: the plan only read the fleet
    assertThat(f.platform.calls().subList((int) callsBefore, f.platform.calls().size()))
        .extracting(c -> c.operation()).containsOnly("observe", "health");
    assertThat(f.platform.weightHistory(Fixtures.FLEET)).isEmpty();
    assertThat(f.count(Fixtures.V2)).isZero();
  }

  @Test
  void aBlueGreenPlanWithManualPromotionAssumesPromotionAndShowsTheDoubledFleet() {
    Fixtures f = new Fixtures();
    f.deployV1(4);

    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withManualPromotion()
            .withScaleDownDelay(Duration.ofMinutes(10))).build());

    assertThat(plan.steps()).extracting(RolloutPlan.Step::index)
        .containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(plan.peakInstances()).isEqualTo(8);
    assertThat(plan.expectedDuration()).isEqualTo(Duration.ofSeconds(30)
        .plus(Duration.ofMinutes(10)).plus(Duration.ofSeconds(5)));
    assertThat(plan.steps().get(2).traffic()).isEqualTo(Map.of(V1, 100, V2, 0)); // preview
    RolloutPlan.Step scaleDown = plan.steps().get(5);
    assertThat(scaleDown.traffic()).isEqualTo(Map.of(V1, 0, V2, 100));
    assertThat(scaleDown.rollback().singleSwitch()).isTrue();
    assertThat(scaleDown.rollback().launches()).isZero();
    assertThat(List.of(plan.steps().get(0).rollback().destroys())).containsExactly(0);
  }

  @Test
  void aCanaryThatEndsBelowFullWeightHasAPromotionStep() {
    Fixtures f = new Fixtures();
    f.deployV1(4);

    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(dev.molt.strategy.Canary.of(dev.molt.strategy.CanaryStep.setWeight(25)))
        .build());

    assertThat(plan.steps()).extracting(RolloutPlan.Step::description).containsExactly(
        "set-weight 25%", "promote: all traffic to the canary, drain stable");
    assertThat(plan.steps().get(1).traffic()).isEqualTo(Map.of(V1, 0, V2, 100));
  }
}
