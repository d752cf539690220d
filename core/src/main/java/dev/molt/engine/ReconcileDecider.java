package dev.molt.engine;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.decide.Decision;
import dev.molt.decide.FindingClassifier;
import dev.molt.decide.PlanContext;
import dev.molt.decide.Planner;
import dev.molt.decide.ReconcilePlanner;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.Finding.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run loop's side of a reconcile: it keeps what the pure {@link ReconcilePlanner} must not,
 * the engine's clocks of when instances turned unhealthy ({@link UnhealthyMemory}, shared by the
 * passes of a continuous reconcile) and the findings a report gathers. The first finding about an
 * instance stands (as replacements launch, the room shrinks and a later look would call the same
 * instance surplus); only a grace period running out turns "replace if still failing" into
 * "replace". Thread-safe.
 */
final class ReconcileDecider implements Planner {
  private final ReconcilePlanner planner;
  private final UnhealthyMemory memory;
  // guarded by this
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private Set<String> lastSeen = Set.of();
  private Set<String> lastFindings = Set.of();

  ReconcileDecider(ReconcilePlanner planner, UnhealthyMemory memory) {
    this.planner = planner;
    this.memory = memory;
  }

  @Override
  public synchronized Decision decide(PlanContext ctx) {
    PlanContext withMemory = ctx.withUnhealthySince(memory.update(ctx.observed(), ctx.now()));
    FindingClassifier.Result result = planner.classify(withMemory);
    remember(result, ctx.observed());
    return planner.decide(withMemory, result);
  }

  /**
   * Classifies an observation without deciding anything (a dry run).
   *
   * @return the findings, all {@link Outcome#PLANNED}
   */
  synchronized List<Finding> preview(PlanContext ctx) {
    return planner.classify(ctx.withUnhealthySince(memory.update(ctx.observed(), ctx.now())))
        .findings();
  }

  /**
   * The findings with their outcome as of the last observation: gone means done, still there but
   * no longer a finding means resolved, still a finding means not done.
   *
   * @return every finding, in the order first seen
   */
  synchronized List<Finding> outcomes() {
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings.values()) {
      Outcome o = !lastSeen.contains(f.instanceId()) ? Outcome.DONE
          : lastFindings.contains(f.instanceId()) ? Outcome.NOT_DONE : Outcome.RESOLVED;
      out.add(f.withOutcome(o));
    }
    return out;
  }

  private void remember(FindingClassifier.Result result, Fleet fleet) {
    Set<String> ids = new HashSet<>();
    for (Finding f : result.findings()) {
      findings.merge(f.instanceId(), f, ReconcileDecider::merge);
      ids.add(f.instanceId());
    }
    lastFindings = ids;
    lastSeen = new HashSet<>(fleet.instances().stream().map(Instance::id).toList());
  }

  private static Finding merge(Finding first, Finding next) {
    return first.kind() == next.kind()
        && first.remedy() == Finding.Remedy.REPLACE_IF_STILL_FAILING ? next : first;
  }

}
