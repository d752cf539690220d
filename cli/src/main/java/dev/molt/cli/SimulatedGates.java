package dev.molt.cli;

import dev.molt.files.GateTemplate;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.Measurement;
import dev.molt.gate.Verdict;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.Strategy;
import java.util.Optional;

/**
 * What a simulation measures: a health-share gate reads the simulated fleet, as it would a real
 * one; every other gate (a metric comparison, a canary score, an HTTP probe) reads a system the
 * rehearsal must not touch, so it is replaced by a gate of the same name that concludes the
 * verdict asked for ({@code --gate-verdict}, default PASS), saying so in its measurements.
 */
final class SimulatedGates {
  private SimulatedGates() {}

  static RolloutSpec apply(RolloutSpec spec, Verdict verdict) {
    return spec.toBuilder().strategy(strategy(spec.strategy(), verdict)).build();
  }

  private static Strategy strategy(Strategy s, Verdict verdict) {
    if (s instanceof Canary canary) {
      return canary.withSteps(canary.steps().stream()
          .map(step -> step instanceof CanaryStep.Analyze a
              ? (CanaryStep) a.withAnalysis(analysis(a.analysis(), verdict)) : step)
          .toList());
    }
    if (s instanceof BlueGreen blueGreen) {
      return blueGreen.withAnalyses(analysis(blueGreen.prePromotion(), verdict),
          analysis(blueGreen.postPromotion(), verdict));
    }
    return s;
  }

  private static Optional<Analysis> analysis(Optional<Analysis> a, Verdict verdict) {
    return a.map(x -> analysis(x, verdict));
  }

  private static Analysis analysis(Analysis a, Verdict verdict) {
    return readsTheFleet(a.gate()) ? a : a.withGate(standIn(a.gate().name(), verdict));
  }

  private static boolean readsTheFleet(Gate gate) {
    Gate inner = gate instanceof GateTemplate t ? t.gate() : gate;
    return inner instanceof HealthyShare;
  }

  private static Gate standIn(String name, Verdict verdict) {
    String detail = "simulated: " + name + " is not measured in a simulation; --gate-verdict "
        + verdict;
    return Gate.of(name, context -> new Measurement(verdict, detail));
  }
}
