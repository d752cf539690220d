package dev.molt.decide;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides a reconcile: classifies each observation ({@link FindingClassifier}) and lets the
 * {@link RollingPlanner} replace what must go, with tainted, unhealthy and surplus instances of the
 * declared revision retired and unhealthy ones within their grace held. So replacement obeys the
 * same maxSurge / maxUnavailable arithmetic as a rollout: there is one capacity algorithm.
 *
 * <p>Pure, as every planner: when instances turned unhealthy comes in {@link
 * PlanContext#unhealthySince()}, and the findings a report gathers over a run are the run loop's
 * to keep ({@link #classify} gives them, {@link #decide(PlanContext, FindingClassifier.Result)}
 * decides from them without classifying twice). Not API.
 */
public final class ReconcilePlanner implements Planner {
  private final RollingPlanner rolling;
  private final FindingClassifier classifier;

  /**
   * @param rolling the planner that carries out replacements under the limits
   * @param classifier the classifier for the declared spec
   */
  public ReconcilePlanner(RollingPlanner rolling, FindingClassifier classifier) {
    this.rolling = rolling;
    this.classifier = classifier;
  }

  @Override
  public Decision decide(PlanContext ctx) {
    return decide(ctx, classify(ctx));
  }

  /**
   * Sorts an observation into findings.
   *
   * @param ctx the observation, with {@link PlanContext#unhealthySince()} filled in
   * @return the findings and what the rolling planner must retire and hold
   */
  public FindingClassifier.Result classify(PlanContext ctx) {
    return classifier.classify(ctx.observed(), ctx.unhealthySince(), ctx.now());
  }

  /**
   * Decides from an observation already classified.
   *
   * @param ctx the observation
   * @param classified {@link #classify(PlanContext)} of {@code ctx}
   * @return the decision
   */
  public Decision decide(PlanContext ctx, FindingClassifier.Result classified) {
    Decision d = rolling.decide(ctx.withRetiredAndHeld(classified.retire(), classified.hold()));
    Optional<Instant> wake = earliest(d.wakeAt(), classified.wakeAt());
    return new Decision(d.actions(), wake, d.status(), d.reason(), d.step(), d.totalSteps(),
        d.progressKey());
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
  }
}
