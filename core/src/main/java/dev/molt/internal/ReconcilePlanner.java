package dev.molt.internal;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.Finding.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides a reconcile: classifies each observation ({@link FindingClassifier}) and lets the
 * {@link RollingPlanner} replace what must go, with tainted, unhealthy and surplus instances of the
 * declared revision retired and unhealthy ones within their grace held. So replacement obeys the
 * same maxSurge / maxUnavailable arithmetic as a rollout: there is one capacity algorithm.
 *
 * <p>Besides deciding, it keeps what a report needs: every finding (the first kind seen for an
 * instance stands, except that a grace period running out makes it a replacement), and which instances the last
 * observation still saw. The unhealthy clocks live in the engine's {@link UnhealthyMemory}.
 * Thread-safe. Not API.
 */
public final class ReconcilePlanner implements Planner {
  private final RollingPlanner rolling;
  private final FindingClassifier classifier;
  private final UnhealthyMemory memory;
  // guarded by this
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private Set<String> lastSeen = Set.of();
  private Set<String> lastFindings = Set.of();

  /**
   * @param rolling the planner that carries out replacements under the limits
   * @param classifier the classifier for the declared spec
   * @param memory when instances were first seen unhealthy
   */
  public ReconcilePlanner(RollingPlanner rolling, FindingClassifier classifier,
      UnhealthyMemory memory) {
    this.rolling = rolling;
    this.classifier = classifier;
    this.memory = memory;
  }

  @Override
  public synchronized Decision decide(PlanContext ctx) {
    FindingClassifier.Result result = classify(ctx.observed(), ctx.now());
    Decision d = rolling.decide(ctx.withRetiredAndHeld(result.retire(), result.hold()));
    Optional<Instant> wake = earliest(d.wakeAt(), result.wakeAt());
    return new Decision(d.actions(), wake, d.status(), d.reason(), d.step(), d.totalSteps(),
        d.progressKey());
  }

  /**
   * Classifies an observation without deciding anything (a dry run).
   *
   * @param fleet the observed fleet
   * @param now the observation time
   * @return the findings, all {@link Outcome#PLANNED}
   */
  public synchronized List<Finding> preview(Fleet fleet, Instant now) {
    return classify(fleet, now).findings();
  }

  /**
   * The findings with their outcome as of the last observation: gone means done, still there but
   * no longer a finding means resolved, still a finding means not done.
   *
   * @return every finding, in the order first seen
   */
  public synchronized List<Finding> outcomes() {
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings.values()) {
      Outcome o = !lastSeen.contains(f.instanceId()) ? Outcome.DONE
          : lastFindings.contains(f.instanceId()) ? Outcome.NOT_DONE : Outcome.RESOLVED;
      out.add(f.withOutcome(o));
    }
    return out;
  }

  private FindingClassifier.Result classify(Fleet fleet, Instant now) {
    FindingClassifier.Result result = classifier.classify(fleet, memory.update(fleet, now), now);
    Set<String> ids = new HashSet<>();
    for (Finding f : result.findings()) {
      findings.merge(f.instanceId(), f, ReconcilePlanner::merge);
      ids.add(f.instanceId());
    }
    lastFindings = ids;
    lastSeen = new HashSet<>(fleet.instances().stream().map(Instance::id).toList());
    return result;
  }

  /**
   * The first finding about an instance stands (as replacements launch, the room shrinks and a
   * later look would call the same instance surplus); only a grace period that ran out turns
   * "replace if still failing" into "replace".
   */
  private static Finding merge(Finding first, Finding next) {
    return first.kind() == next.kind()
        && first.remedy() == Finding.Remedy.REPLACE_IF_STILL_FAILING ? next : first;
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
  }
}
