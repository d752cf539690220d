package dev.molt.decide;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes every instance of one revision and touches nothing else: the rollback of a rollout whose
 * previous revision cannot be relaunched (its launch spec is unknown). Serving instances are
 * drained, then terminated once drained or past the drain timeout; the others are terminated at
 * once. Done when none is left. Not API.
 */
final class RemoveRevisionPlanner implements Planner {

  @Override
  public Decision decide(PlanContext ctx) {
    Revision doomed = ctx.targetSpec().revision();
    List<Instance> toDrain = new ArrayList<>();
    List<Instance> toTerminate = new ArrayList<>();
    WakeUp wake = new WakeUp();
    int left = 0;
    for (Instance i : ctx.observed().instances()) {
      if (!i.revision().equals(doomed) || i.state() == InstanceState.TERMINATED) {
        continue;
      }
      left++;
      if (i.isHealthy()) {
        toDrain.add(i);
      } else if (!i.state().isDraining()) {
        toTerminate.add(i);
      } else {
        if (Drains.isOver(i, ctx.now(), ctx.drainTimeout())) {
          toTerminate.add(i);
        } else {
          wake.at(Drains.deadline(i, ctx.drainTimeout()));
        }
      }
    }
    List<Action> actions = new ArrayList<>();
    if (!toTerminate.isEmpty()) {
      actions.add(new Action.Terminate(toTerminate, false, "removing revision " + doomed));
    }
    if (!toDrain.isEmpty()) {
      actions.add(new Action.Drain(toDrain));
    }
    Decision.Status status = left == 0 ? Decision.Status.DONE : Decision.Status.CONTINUE;
    return new Decision(actions, wake.earliest(), status, Optional.empty(), 0, 0,
        "left=" + left + "/" + toDrain.size());
  }
}
