package dev.molt.decide;

import dev.molt.rollout.Wait;
import dev.molt.Revision;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides a canary, one step at a time, from the observed fleet and the recorded {@link
 * StepState}. Pure: no I/O, no clock reads.
 *
 * <ul>
 *   <li>set-weight w: size the canary (see {@link #canaryCount}), wait until it is ready, then set
 *       the split stable=100-w / canary=w in one router call (without a router: record the
 *       effective split of the replica ratio) and go on.
 *   <li>pause d: go on once d has passed since the step began; pause without d: hold until
 *       resume() or promote().
 *   <li>analyze: start the analysis, wait for its verdict; pass goes on, fail fails the rollout,
 *       inconclusive holds or fails as the analysis says.
 *   <li>set-scale: size the canary and wait until ready.
 *   <li>after the last step (or promoteFull): with a router, scale the canary to full capacity
 *       (launching at most maxSurge at a time; a canary instance that fails before the switch
 *       fails the rollout, as in the steps), switch all traffic to it in one call, then let
 *       {@link RollingPlanner} drain the stable fleet; without a router, a rolling update.
 * </ul>
 *
 * <p>A fresh-baseline analysis ({@link CanaryStep#analyzeWithFreshBaseline}) adds a third fleet
 * from the step that sized the canary for it to the analysis's end; see {@link FreshBaseline}.
 *
 * Worked example (desired 10, router; the same rows are {@code CanaryPlannerTest}): step 0
 * set-weight 10 → 1 canary launched, ready → traffic 90/10; step 1 pause 10 min ({@code
 * TIMED_PAUSE}); step 2 analyze → pass; step 3 set-weight 50 → 4 more, ready → 50/50; step 4
 * pause 10 min; step 5 set-weight 100 → 5 more, ready → 0/100; step 6, the promotion: stable
 * drained (already off traffic) → done. {@code totalSteps} is 7: the steps and the promotion.
 */
final class CanaryPlanner implements Planner {
  private final Canary canary;
  private final RollingPlanner promotion;

  CanaryPlanner(Canary canary) {
    this.canary = canary;
    this.promotion = new RollingPlanner(canary.promotion());
  }

  /**
   * Decides with the fresh baseline apart: every step but those of a fresh baseline's window sees
   * the fleet without it, and removes what is left of it (see {@link FreshBaseline}).
   */
  @Override
  public Decision decide(PlanContext full) {
    FreshBaseline b = FreshBaseline.of(full, canary.promotion().minReadyTime(),
        canary.promotion().healthyDeadline());
    PlanContext ctx = FreshBaseline.withoutBaseline(full);
    Optional<CanaryStep.Analyze> window = baselineWindow(full.steps());
    if (window.isEmpty()) {
      return b.removingAfter(decideSteps(ctx));
    }
    NewRevision r = NewRevision.of(ctx, canary.promotion().minReadyTime(),
        canary.promotion().healthyDeadline());
    int total = canary.steps().size() + 1;
    int index = full.steps().index();
    if (!r.failed.isEmpty()) {
      return b.removingAfter(r.failure(index, total));
    }
    if (!b.failed.isEmpty()) {
      return b.failure(index, total);
    }
    if (b.spec.isEmpty()) {
      return b.removingAfter(Steps.failed("step " + index + " needs a fresh baseline of the"
          + " stable revision " + full.steps().stable().map(Revision::id).orElse("none") + ", whose"
          + " launch spec this engine does not know: remember it (RolloutEngine.remember) or"
          + " analyze against the stable fleet", index, total));
    }
    CanaryStep step = canary.steps().get(index);
    if (step instanceof CanaryStep.Analyze a && a.freshBaseline()) {
      return analyzeWithBaseline(full, ctx, r, b, a, total);
    }
    if (step instanceof CanaryStep.SetWeight || step instanceof CanaryStep.SetScale) {
      return scaleWithBaseline(full, ctx, r, b, total, step.describe());
    }
    return decideSteps(ctx); // a pause, or an analysis against stable: the baseline stays
  }

  /**
   * The fresh-baseline analysis whose window holds the current step: its window runs from the
   * step that sized the canary for it (the last set-weight or set-scale before it) to its end.
   */
  private Optional<CanaryStep.Analyze> baselineWindow(StepState st) {
    List<CanaryStep> steps = canary.steps();
    if (st.promoteFull() || st.stable().isEmpty()) {
      return Optional.empty();
    }
    for (int k = st.index(); k < steps.size(); k++) {
      CanaryStep step = steps.get(k);
      if (step instanceof CanaryStep.Analyze a && a.freshBaseline()) {
        return Optional.of(a);
      }
      if (k > st.index() && (step instanceof CanaryStep.SetWeight
          || step instanceof CanaryStep.SetScale)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The window's sizing step: canary and baseline launched together, the same count, and once
   * both are ready one split gives each the step's weight out of the stable share.
   */
  private Decision scaleWithBaseline(PlanContext full, PlanContext ctx, NewRevision r,
      FreshBaseline b, int total, String what) {
    StepState st = ctx.steps();
    int weight = currentWeight(st.index());
    int count = canaryCount(ctx, weight);
    List<Action> actions = r.scaleTo(ctx, count, Integer.MAX_VALUE);
    actions.addAll(b.scaleTo(count));
    if (!actions.isEmpty() || !r.isScaled(count) || !b.isScaled(count)) {
      Optional<Instant> wake = earliest(r.wakeAt(), b.wakeAt());
      return Steps.waiting(actions, wake, st.index(), total, "scale-" + r.ready.size() + "/"
          + r.live() + "-baseline-" + b.ready.size() + "/" + b.live());
    }
    actions.addAll(Steps.shift(full, b.split(r.target, weight, r.ready.size(),
        r.oldServing.size())));
    return Steps.advance(actions, st.index() + 1, what.replace(' ', '-') + "-with-baseline",
        total);
  }

  /**
   * The fresh-baseline analysis: the baseline in place (again, after a resume), then the analysis
   * of canary against baseline; at its verdict, pass or fail, the baseline's weight goes back to
   * stable and it is drained, then terminated. A pass moves on only once it is gone.
   */
  private Decision analyzeWithBaseline(PlanContext full, PlanContext ctx, NewRevision r,
      FreshBaseline b, CanaryStep.Analyze a, int total) {
    StepState st = ctx.steps();
    int index = st.index();
    Optional<Revision> baseline = b.spec.map(dev.molt.LaunchSpec::revision);
    if (st.analysis().isPresent()) {
      Decision verdict = Steps.analyze(ctx, a.analysis(), r.target, baseline, index + 1, total);
      if (b.isGone()) {
        return r.reapingDrains(verdict);
      }
      if (verdict.actions().stream().anyMatch(x -> x instanceof Action.Advance)) {
        return r.reapingDrains(Steps.waiting(b.removal(), b.wakeAt(), index, total,
            "baseline-removal-" + b.live() + "-" + b.draining.size()));
      }
      List<Action> actions = new ArrayList<>(b.removal());
      actions.addAll(verdict.actions());
      return new Decision(actions, verdict.wakeAt(), verdict.status(), verdict.reason(),
          verdict.step(), verdict.totalSteps(), verdict.progressKey());
    }
    if (!st.analyzing()) {
      int weight = currentWeight(index);
      int count = canaryCount(ctx, weight);
      List<Action> sizing = b.scaleTo(count);
      if (!sizing.isEmpty() || !b.isScaled(count)) {
        return r.reapingDrains(Steps.waiting(sizing, b.wakeAt(), index, total,
            "baseline-" + b.ready.size() + "/" + b.live()));
      }
      List<Action> actions = new ArrayList<>(Steps.shift(full, b.split(r.target, weight,
          r.ready.size(), r.oldServing.size())));
      Decision start = Steps.analyze(ctx, a.analysis(), r.target, baseline, index + 1, total);
      actions.addAll(start.actions());
      return r.reapingDrains(new Decision(actions, start.wakeAt(), start.status(),
          start.reason(), start.step(), start.totalSteps(), start.progressKey()));
    }
    Decision measuring = Steps.analyze(ctx, a.analysis(), r.target, baseline, index + 1, total);
    if (measuring.status() != Decision.Status.FAILED) {
      return r.reapingDrains(measuring);
    }
    List<Action> actions = new ArrayList<>(b.removal()); // no verdict in time: removed all the same
    actions.addAll(measuring.actions());
    return new Decision(actions, measuring.wakeAt(), measuring.status(), measuring.reason(),
        measuring.step(), measuring.totalSteps(), measuring.progressKey());
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().isBefore(b.get()) ? a.get()
        : b.get());
  }

  /** The steps as they are without a fresh baseline. */
  private Decision decideSteps(PlanContext ctx) {
    List<CanaryStep> steps = canary.steps();
    int total = steps.size() + 1;
    StepState st = ctx.steps();
    NewRevision r = NewRevision.of(ctx, canary.promotion().minReadyTime(),
        canary.promotion().healthyDeadline());
    if (st.promoteFull() || st.index() >= steps.size() || st.stable().isEmpty()) {
      return promote(ctx, r, total);
    }
    if (!r.failed.isEmpty()) {
      return r.failure(st.index(), total);
    }
    CanaryStep step = steps.get(st.index());
    if (step instanceof CanaryStep.SetWeight w) {
      return scaleThen(ctx, r, canaryCount(ctx, w.percent()), total,
          NewRevision.split(st.stable(), r.target, w.percent()), step.describe());
    }
    if (step instanceof CanaryStep.Pause p) {
      return r.reapingDrains(pause(ctx, p, total));
    }
    if (step instanceof CanaryStep.Analyze a) {
      return r.reapingDrains(Steps.analyze(ctx, a.analysis(), r.target, st.index() + 1, total));
    }
    return scaleThen(ctx, r, canaryCount(ctx, currentWeight(st.index())), total, Map.of(),
        step.describe());
  }

  private Decision pause(PlanContext ctx, CanaryStep.Pause p, int total) {
    StepState st = ctx.steps();
    if (p.duration().isEmpty()) {
      return Steps.waiting(List.of(new Action.Hold(new Wait(Wait.Reason.UNTIMED_PAUSE,
          "canary step " + st.index() + ": " + p.describe() + "; resume() or promote() goes on",
          Optional.empty()))), Optional.empty(), st.index(), total, "hold");
    }
    Instant end = st.startedAt().plus(p.duration().get());
    return ctx.now().isBefore(end)
        ? Steps.waiting(List.of(new Action.Await(new Wait(Wait.Reason.TIMED_PAUSE, "canary step "
            + st.index() + ": " + p.describe(), Optional.of(end)))), Optional.of(end),
            st.index(), total, "pause-" + ctx.now())
        : Steps.advance(List.of(), st.index() + 1, "pause-over", total);
  }

  /** Sizes the canary, then (once ready) sets traffic and moves on. */
  private Decision scaleThen(PlanContext ctx, NewRevision r, int count, int total,
      Map<Revision, Integer> weights, String what) {
    StepState st = ctx.steps();
    List<Action> actions = r.scaleTo(ctx, count, Integer.MAX_VALUE);
    if (!actions.isEmpty() || !r.isScaled(count)) {
      return Steps.waiting(actions, r.wakeAt(), st.index(), total,
          "scale-" + r.ready.size() + "/" + r.live());
    }
    if (!weights.isEmpty()) {
      actions.addAll(Steps.shift(ctx, st.routed() ? weights : r.effectiveSplit(st.stable())));
    }
    return Steps.advance(actions, st.index() + 1, what.replace(' ', '-'), total);
  }

  private Decision promote(PlanContext ctx, NewRevision r, int total) {
    StepState st = ctx.steps();
    Map<Revision, Integer> all = NewRevision.split(st.stable(), r.target, 100);
    boolean switched = Steps.isAt(ctx, all);
    // with a router the canary is full before the stable fleet goes, even if a step shrank it
    // after its weight reached 100
    if (st.routed() && (!switched || r.ready.size() < ctx.desired() && !r.oldServing.isEmpty())) {
      if (!r.failed.isEmpty()) {
        return r.failure(total - 1, total); // as in the steps: never replace them beside stable
      }
      int desired = ctx.desired();
      int pendingRoom = Math.max(1, canary.promotion().surge(desired)) - r.pending.size();
      List<Action> actions = r.scaleTo(ctx, desired, pendingRoom);
      if (r.ready.size() >= desired) {
        actions.addAll(Steps.shift(ctx, all)); // enough capacity: one switch, then drain stable
      }
      return Steps.waiting(actions, r.wakeAt(), total - 1, total,
          "promote-" + r.ready.size() + "/" + r.live());
    }
    Decision rolling = promotion.decide(ctx);
    List<Action> actions = new ArrayList<>();
    if (!st.routed()) {
      actions.addAll(Steps.shift(ctx, rolling.status() == Decision.Status.DONE ? all
          : r.effectiveSplit(st.stable())));
    }
    actions.addAll(rolling.actions());
    int step = rolling.status() == Decision.Status.DONE ? total : total - 1;
    return new Decision(actions, rolling.wakeAt(), rolling.status(), rolling.reason(), step,
        total, "promote-" + rolling.progressKey());
  }

  /**
   * How many canary instances a step runs: the last set-scale at or before the current step (but
   * never fewer than the weight {@code percent} needs: with a router ceil(desired * percent /
   * 100), without one a single instance while {@code percent} is above 0), or else enough to carry {@code percent}: with a router ceil(desired * percent / 100), without
   * one round(desired * percent / (100 - percent)) beside the full stable fleet, so the replica
   * ratio approximates the weight.
   */
  private int canaryCount(PlanContext ctx, int percent) {
    int desired = ctx.desired();
    List<CanaryStep> steps = canary.steps();
    for (int i = Math.min(ctx.steps().index(), steps.size() - 1); i >= 0; i--) {
      if (steps.get(i) instanceof CanaryStep.SetScale s) {
        if (s.amount().isPresent()) {
          // never below what the canary's weight needs: with a router, ceil(desired * weight /
          // 100) instances (traffic is never concentrated on fewer than it needs, so a set-scale
          // after set-weight 100 keeps the full canary); without one, one while it has weight
          int scale = Math.min(desired, s.amount().get().roundUp(desired));
          int needed = percent <= 0 ? 0 : ctx.steps().routed()
              ? Math.min(desired, (int) Math.ceil(desired * percent / 100.0)) : 1;
          return Math.max(needed, scale);
        }
        break;
      }
    }
    if (percent <= 0) {
      return 0;
    }
    if (ctx.steps().routed() || percent >= 100) {
      return Math.min(desired, (int) Math.ceil(desired * percent / 100.0));
    }
    return Math.max(1, Math.min(desired,
        (int) Math.round(desired * (double) percent / (100 - percent))));
  }

  /** The weight of the last set-weight before {@code index}, 0 if none. */
  private int currentWeight(int index) {
    for (int i = index; i >= 0; i--) {
      if (canary.steps().get(i) instanceof CanaryStep.SetWeight w) {
        return w.percent();
      }
    }
    return 0;
  }
}
