package dev.molt.decide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wraps a planner for a strategy that does not split traffic (rolling): when a router still holds
 * a split left by an earlier blue-green or canary rollout, it first clears it, so every serving
 * instance shares traffic again; a left-over "old=0% new=100%" would otherwise starve the next
 * revision. Pure. Not API.
 */
final class EvenTrafficPlanner implements Planner {
  private final Planner inner;

  EvenTrafficPlanner(Planner inner) {
    this.inner = inner;
  }

  @Override
  public Decision decide(PlanContext ctx) {
    Decision d = inner.decide(ctx);
    if (!ctx.steps().routed() || ctx.observed().traffic().isEmpty()) {
      return d;
    }
    List<Action> actions = new ArrayList<>();
    actions.add(new Action.SetTraffic(Map.of(), true));
    actions.addAll(d.actions());
    return new Decision(actions, d.wakeAt(), d.status(), d.reason(), d.step(), d.totalSteps(),
        d.progressKey());
  }
}
