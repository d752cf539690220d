package dev.molt.decide;

import dev.molt.Revision;
import dev.molt.strategy.RollingUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rolls a blue-green or canary rollout back: first all traffic to the previous revision in one
 * router call (as soon as it has a healthy instance), then {@link RollingPlanner} toward the
 * previous revision, which drains and destroys the new one and relaunches the previous one only if
 * it lost capacity. So when the previous fleet still runs (blue during its scale-down delay, the
 * stable fleet under a canary), a rollback is one switch and no launch. Pure. Not API.
 */
final class TrafficRollbackPlanner implements Planner {
  private final RollingPlanner rolling;

  TrafficRollbackPlanner(RollingUpdate limits) {
    this.rolling = new RollingPlanner(limits);
  }

  @Override
  public Decision decide(PlanContext ctx) {
    Revision previous = ctx.targetSpec().revision();
    List<Action> actions = new ArrayList<>();
    boolean hasPrevious = ctx.desired() > 0 && ctx.observed().healthyCount(previous) > 0;
    // a router never told anything still sends everything to the previous revision's split
    if (ctx.steps().routed() && hasPrevious && !ctx.observed().traffic().isEmpty()) {
      actions.addAll(Steps.shift(ctx, Map.of(previous, 100)));
    }
    Decision back = rolling.decide(ctx);
    actions.addAll(back.actions());
    return new Decision(actions, back.wakeAt(), back.status(), back.reason(), back.step(),
        back.totalSteps(), back.progressKey());
  }
}
