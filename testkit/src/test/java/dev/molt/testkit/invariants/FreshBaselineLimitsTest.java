package dev.molt.testkit.invariants;

import static dev.molt.strategy.CanaryStep.analyzeWithFreshBaseline;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.OwnerLabels;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Verdict;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A fresh baseline's capacity is in the canary's ceiling, and a run keeps every invariant. */
class FreshBaselineLimitsTest {

  static RolloutSpec spec(Canary canary) {
    return RolloutSpec.builder("web").capacity(10).target(SimulatedPlatform.spec("v2"))
        .strategy(canary).build();
  }

  @Test
  void theCeilingAddsTheLargestBaseline() {
    Analysis a = Analysis.of(Gate.constant(Verdict.PASS));
    Canary small = Canary.of(setWeight(10), analyzeWithFreshBaseline(a), setWeight(100));
    Canary scaled = Canary.of(setScale(Amount.of(4)), setWeight(10), analyzeWithFreshBaseline(a));

    assertThat(Limits.of(spec(small))).isEqualTo(new Limits(10, 10 + 10 + 1));
    assertThat(Limits.of(spec(small), false).ceiling()).as("round(10 * 10 / 90)").isEqualTo(21);
    assertThat(Limits.of(spec(scaled)).ceiling()).isEqualTo(24);
    assertThat(Limits.of(spec(Canary.of(setWeight(10), setWeight(100)))).ceiling())
        .as("no baseline, no change").isEqualTo(20);
  }

  @Test
  void aCanaryWithAFreshBaselineKeepsEveryInvariant() {
    SimulatedPlatform sim = SimulatedPlatform.create(1);
    sim.deploy("web", SimulatedPlatform.spec("v1"), 10);
    RolloutSpec spec = spec(Canary.of(setWeight(20), pause(Duration.ofMinutes(2)),
        analyzeWithFreshBaseline(Analysis.of(Gate.constant(Verdict.PASS))), setWeight(50),
        setWeight(100)));
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    RolloutEngine engine = RolloutEngine.builder(checker.wrap(sim.provider())).time(sim.time())
        .seed(1).pollInterval(Duration.ofSeconds(5)).listener(checker).build();
    engine.remember(SimulatedPlatform.spec("v1"));

    Rollout done = engine.run(spec);

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(checker.violations()).isEmpty();
    assertThat(sim.provider().instances("web")).hasSize(10)
        .noneMatch(i -> OwnerLabels.isBaseline(i.labels()));
  }
}
