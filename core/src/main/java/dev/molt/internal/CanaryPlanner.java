package dev.molt.internal;

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
 * Worked example (desired 10, router): set-weight 10 → 1 canary launched, ready → traffic 90/10;
 * pause 10 min; analyze → pass; set-weight 50 → 4 more, ready → 50/50; pause 10 min; set-weight 100
 * → 5 more, ready → 0/100; promotion: stable drained (already off traffic) → done.
 */
final class CanaryPlanner implements Planner {
  private final Canary canary;
  private final RollingPlanner promotion;

  CanaryPlanner(Canary canary) {
    this.canary = canary;
    this.promotion = new RollingPlanner(canary.promotion());
  }

  @Override
  public Decision decide(PlanContext ctx) {
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
      return Steps.waiting(List.of(new Action.Hold("canary step " + st.index() + "/"
          + canary.steps().size() + ": " + p.describe())), Optional.empty(), st.index(), total,
          "hold");
    }
    Instant end = st.startedAt().plus(p.duration().get());
    return ctx.now().isBefore(end)
        ? Steps.waiting(List.of(), Optional.of(end), st.index(), total, "pause-" + ctx.now())
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
