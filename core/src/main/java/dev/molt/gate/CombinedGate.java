package dev.molt.gate;

import dev.molt.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;

/** {@link Gate#allOf} and {@link Gate#anyOf}. Immutable. */
final class CombinedGate implements Gate {
  /** Verdicts from worst to best, as allOf ranks them; anyOf ranks the non-passes in reverse. */
  private static final List<Verdict> WORST_FIRST = List.of(Verdict.FAIL, Verdict.ERROR,
      Verdict.INSUFFICIENT_DATA, Verdict.INCONCLUSIVE, Verdict.PASS);

  private final boolean all;
  private final List<Gate> gates;

  CombinedGate(boolean all, List<Gate> gates) {
    if (gates.isEmpty()) {
      throw new InvalidSpecException("gates", "needs at least one gate");
    }
    this.all = all;
    this.gates = gates;
  }

  @Override
  public String name() {
    return (all ? "all-of" : "any-of") + gates.stream().map(Gate::name).toList();
  }

  @Override
  public Measurement measure(GateContext context) {
    List<String> details = new ArrayList<>();
    List<MetricResult> metrics = new ArrayList<>();
    Verdict combined = null;
    for (Gate gate : gates) {
      Measurement m = measureOne(gate, context);
      details.add(gate.name() + "=" + m);
      metrics.addAll(m.metrics());
      combined = combined == null ? m.verdict() : pick(combined, m.verdict());
    }
    return new Measurement(combined, String.join(", ", details), metrics);
  }

  private Verdict pick(Verdict a, Verdict b) {
    if (!all && (a == Verdict.PASS || b == Verdict.PASS)) {
      return Verdict.PASS;
    }
    int ra = WORST_FIRST.indexOf(a);
    int rb = WORST_FIRST.indexOf(b);
    if (all) {
      return ra <= rb ? a : b;
    }
    return ra >= rb ? a : b;
  }

  static Measurement measureOne(Gate gate, GateContext context) {
    try {
      return gate.measure(context);
    } catch (RuntimeException e) {
      return Measurement.error(gate.name() + " threw " + e);
    }
  }
}
