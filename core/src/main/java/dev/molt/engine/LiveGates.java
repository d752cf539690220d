package dev.molt.engine;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.store.RolloutRecord;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gates an engine was given to measure again in resumed rollouts. A store keeps a gate by its
 * name only (gates are code); before a stored rollout runs again, every analysis whose gate has
 * the name of a live gate gets that gate back, so an analysis that was still measuring when the
 * engine died is measured again instead of failing. Immutable.
 */
final class LiveGates {
  private final Map<String, Gate> byName;

  /**
   * @param gates the live gates
   * @throws InvalidSpecException if two gates share a name: a stored name must pick one gate
   */
  public LiveGates(List<Gate> gates) {
    Map<String, Gate> names = new LinkedHashMap<>();
    for (Gate g : gates) {
      Gate before = names.putIfAbsent(Arguments.notBlank(g.name(), "gate.name"), g);
      if (before != null && before != g) {
        throw new InvalidSpecException("liveGate", "two gates are named " + g.name()
            + "; a resumed rollout finds its gate by name, so give each a distinct name");
      }
    }
    this.byName = Map.copyOf(names);
  }

  /** @return {@code record} with its analyses measuring the live gates of their names */
  public RolloutRecord reattach(RolloutRecord record) {
    Strategy stored = record.spec().strategy();
    Strategy live = reattach(stored);
    if (live.equals(stored)) {
      return record;
    }
    return record.withSpec(record.spec().toBuilder().strategy(live).build());
  }

  private Strategy reattach(Strategy s) {
    if (byName.isEmpty() || s instanceof RollingUpdate) {
      return s;
    }
    if (s instanceof BlueGreen b) {
      return b.withAnalyses(b.prePromotion().map(this::reattach),
          b.postPromotion().map(this::reattach));
    }
    Canary c = (Canary) s;
    return c.withSteps(c.steps().stream()
        .map(step -> step instanceof CanaryStep.Analyze a ? a.withAnalysis(reattach(
            a.analysis())) : step)
        .toList());
  }

  private Analysis reattach(Analysis a) {
    Gate live = byName.get(a.gate().name());
    return live == null ? a : a.withGate(live);
  }
}
