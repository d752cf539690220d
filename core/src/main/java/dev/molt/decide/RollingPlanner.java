package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import dev.molt.strategy.RollingUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides a rolling update as a sliding window. Every decision starts from the observed fleet:
 *
 * <ol>
 *   <li>Draining instances that are drained, or past the drain timeout, are terminated.
 *   <li>New instances that failed, or are not healthy by their deadline, are terminated and count
 *       against the replacement budget; past the budget the rollout fails, and so it does as soon
 *       as {@code max(1, maxReplacements)} of them failed for the same cause ({@link
 *       FailureCauses}).
 *   <li>Old instances that do not serve (unhealthy, failed, still launching) are terminated: they
 *       hold no capacity that the limits protect.
 *   <li>New instances launch while {@code total < desired + surge} and {@code new < desired}.
 *   <li>Serving old instances drain while {@code serving - 1 >= desired - unavailable}, where only
 *       new instances healthy for {@code minReadyTime} count as serving.
 * </ol>
 *
 * Worked example (desired 4, surge 1, unavailable 0): launch 1 → it is ready, serving 5 → drain 1
 * old → drained and terminated, total 4 → launch 1 → ... → 4 new ready, 0 old: done.
 *
 * <p>Instances the context {@linkplain PlanContext#retire() retires} count as old although they run
 * the target revision; {@linkplain PlanContext#hold() held} ones count as new but not yet serving.
 * Reconciliation uses both to replace tainted and unhealthy instances under the same limits.
 *
 * <p>Rollback is the same planner pointed at the previous revision; rolling a fleet to nothing is
 * desired 0.
 */
public final class RollingPlanner implements Planner {
  private final RollingUpdate params;

  /** @param params the strategy's limits and timings */
  public RollingPlanner(RollingUpdate params) {
    this.params = params;
  }

  @Override
  public Decision decide(PlanContext ctx) {
    Revision target = ctx.targetSpec().revision();
    int desired = ctx.desired();
    Instant now = ctx.now();
    Readiness rules = new Readiness(params.minReadyTime(), params.healthyDeadline(),
        ctx.drainTimeout());
    Sorted s = new Sorted();
    for (Instance i : ctx.observed().instances()) {
      if (i.state() == InstanceState.TERMINATED) {
        continue;
      }
      boolean isNew = i.revision().equals(target) && !ctx.retire().contains(i.id());
      if (i.state().isDraining()) {
        (rules.sort(i, now, s.wake) == Readiness.Bucket.DRAINED ? s.drained : s.draining).add(i);
      } else if (isNew && ctx.hold().contains(i.id())) {
        s.pendingNew.add(i);
      } else if (isNew) {
        switch (rules.sort(i, now, s.wake)) {
          case READY -> s.ready.add(i);
          case PENDING -> s.pendingNew.add(i);
          default -> s.failed.add(i);
        }
      } else if (i.isHealthy()) {
        s.oldServing.add(i);
      } else {
        s.oldIdle.add(i);
      }
    }
    return decide(ctx, target, desired, s);
  }

  private Decision decide(PlanContext ctx, Revision target, int desired, Sorted s) {
    List<Action> actions = new ArrayList<>();
    if (!s.drained.isEmpty()) {
      actions.add(new Action.Terminate(s.drained, false, "drained"));
    }
    if (!s.oldIdle.isEmpty()) {
      actions.add(new Action.Terminate(s.oldIdle, false, "old and not serving"));
    }
    int replacements = ctx.replacements();
    if (!s.failed.isEmpty()) {
      // the platform's words on the failure (OwnerLabels.FAILURE), when the provider can tell
      String cause = s.failed.stream().map(FailureCauses::detail).flatMap(Optional::stream)
          .findFirst().map(c -> "; " + c).orElse("");
      actions.add(new Action.Terminate(s.failed, true,
          "not healthy within " + Durations.text(params.healthyDeadline())
          + " of launch, or failed" + cause));
      replacements += s.failed.size();
      Optional<String> sameCause = FailureCauses.sameCause(ctx.failureCauses(), s.failed,
          params.maxReplacements(), target, params.healthyDeadline());
      if (sameCause.isPresent()) {
        return new Decision(actions, Optional.empty(), Decision.Status.FAILED, sameCause,
            Math.min(s.ready.size(), desired), desired, "failed");
      }
      if (replacements > params.maxReplacements()) {
        String reason = replacements + " instances of " + target + " failed to become healthy"
            + " within " + Durations.text(params.healthyDeadline()) + " (replacement budget "
            + params.maxReplacements() + ")" + cause;
        return new Decision(actions, Optional.empty(), Decision.Status.FAILED,
            Optional.of(reason), Math.min(s.ready.size(), desired), desired, "failed");
      }
    }
    int newLive = s.ready.size() + s.pendingNew.size();
    if (newLive > desired) {
      newLive -= trimExcessNew(s, newLive - desired, actions);
    }
    int surge = params.surge(desired);
    int unavailable = params.unavailable(desired);
    int total = newLive + s.oldServing.size() + s.draining.size();
    int launch = Math.min(desired - newLive, desired + surge - total);
    if (launch > 0) {
      actions.add(new Action.Launch(ctx.targetSpec(), launch));
    }
    int serving = s.ready.size() + s.oldServing.size();
    int drainable = Math.min(s.oldServing.size(), serving - (desired - unavailable));
    if (drainable > 0) {
      actions.add(new Action.Drain(List.copyOf(s.oldServing.subList(0, drainable))));
    }
    int step = Math.min(s.ready.size(), desired);
    boolean done = s.ready.size() == desired && s.pendingNew.isEmpty() && s.oldServing.isEmpty()
        && s.oldIdle.isEmpty() && s.draining.isEmpty() && s.drained.isEmpty()
        && s.failed.isEmpty();
    String progressKey = s.ready.size() + "/" + (s.oldServing.size() + s.oldIdle.size()) + "/"
        + (s.draining.size() + s.drained.size());
    return new Decision(actions, s.wake.earliest(),
        done ? Decision.Status.DONE : Decision.Status.CONTINUE, Optional.empty(), step, desired,
        progressKey);
  }

  /**
   * Scale-down of surplus new instances (capacity lowered): not-yet-healthy ones are terminated
   * first; healthy ones, ready or not, may serve and are drained.
   */
  private static int trimExcessNew(Sorted s, int excess, List<Action> actions) {
    List<Instance> idle = s.pendingNew.stream().filter(i -> !i.isHealthy()).toList();
    List<Instance> cutIdle = List.copyOf(idle.subList(Math.max(0, idle.size() - excess),
        idle.size()));
    if (!cutIdle.isEmpty()) {
      actions.add(new Action.Terminate(cutIdle, false, "above desired capacity"));
      s.pendingNew.removeAll(cutIdle);
    }
    List<Instance> healthyPending = s.pendingNew.stream().filter(Instance::isHealthy).toList();
    List<Instance> cutHealthy = List.copyOf(healthyPending.subList(Math.max(0,
        healthyPending.size() - (excess - cutIdle.size())), healthyPending.size()));
    if (!cutHealthy.isEmpty()) {
      actions.add(new Action.Drain(cutHealthy));
      s.pendingNew.removeAll(cutHealthy);
      s.draining.addAll(cutHealthy);
    }
    int fromReady = excess - cutIdle.size() - cutHealthy.size();
    if (fromReady > 0) {
      List<Instance> cut = List.copyOf(s.ready.subList(s.ready.size() - fromReady,
          s.ready.size()));
      actions.add(new Action.Drain(cut));
      s.ready.removeAll(cut);
      s.draining.addAll(cut);
    }
    return excess;
  }

  /** The observed instances, sorted into the buckets the rules speak of. */
  private static final class Sorted {
    final List<Instance> ready = new ArrayList<>();
    final List<Instance> pendingNew = new ArrayList<>();
    final List<Instance> failed = new ArrayList<>();
    final List<Instance> oldServing = new ArrayList<>();
    final List<Instance> oldIdle = new ArrayList<>();
    final List<Instance> draining = new ArrayList<>();
    final List<Instance> drained = new ArrayList<>();
    final WakeUp wake = new WakeUp();
  }
}
