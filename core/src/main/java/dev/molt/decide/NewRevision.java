package dev.molt.decide;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The observed fleet sorted for a step-wise planner: the new revision's instances by readiness,
 * the old revisions' serving instances, and drains that are due. Also the sizing actions shared by
 * the blue-green and canary planners. Not API.
 */
final class NewRevision {
  final Revision target;
  final List<Instance> ready = new ArrayList<>();
  final List<Instance> pending = new ArrayList<>();
  final List<Instance> failed = new ArrayList<>();
  final List<Instance> oldServing = new ArrayList<>();
  final List<Instance> drainedDue = new ArrayList<>();
  private int drainingTarget;
  private final WakeUp wake = new WakeUp();
  private Instant drainDue;

  private NewRevision(Revision target) {
    this.target = target;
  }

  /** Sorts {@code ctx.observed()}; ready means healthy for {@code minReady}. */
  static NewRevision of(PlanContext ctx, Duration minReady, Duration healthyDeadline) {
    NewRevision r = new NewRevision(ctx.targetSpec().revision());
    Readiness rules = new Readiness(minReady, healthyDeadline, ctx.drainTimeout());
    for (Instance i : ctx.observed().instances()) {
      if (i.state().isDraining()) {
        if (rules.sort(i, ctx.now(), r.wake) == Readiness.Bucket.DRAINED) {
          r.drainedDue.add(i);
        } else {
          Instant deadline = Drains.deadline(i, ctx.drainTimeout());
          r.drainDue = r.drainDue == null || deadline.isBefore(r.drainDue) ? deadline : r.drainDue;
          r.drainingTarget += i.revision().equals(r.target) ? 1 : 0;
        }
      } else if (!i.revision().equals(r.target)) {
        if (i.isHealthy()) {
          r.oldServing.add(i);
        }
      } else {
        switch (rules.sort(i, ctx.now(), r.wake)) {
          case READY -> r.ready.add(i);
          case PENDING -> r.pending.add(i);
          default -> r.failed.add(i);
        }
      }
    }
    return r;
  }

  int live() {
    return ready.size() + pending.size();
  }

  Optional<Instant> wakeAt() {
    return wake.earliest();
  }

  void wake(Instant at) {
    wake.at(at);
  }

  /**
   * Terminates drains that are done, and sizes the new revision to {@code count}. New instances
   * still draining count against the launches, so that scaling down then up again never runs more
   * than {@code count} of the new revision, draining ones included.
   */
  List<Action> scaleTo(PlanContext ctx, int count, int maxLaunch) {
    List<Action> actions = new ArrayList<>();
    if (!drainedDue.isEmpty()) {
      actions.add(new Action.Terminate(drainedDue, false, "drained"));
    }
    int launch = Math.min(count - live() - drainingTarget, maxLaunch);
    if (launch > 0) {
      // with a router a step-wise revision gets traffic by split only, never by joining
      actions.add(new Action.Launch(ctx.targetSpec(), launch, ctx.steps().routed()));
    } else if (live() > count) {
      actions.addAll(shrink(live() - count));
    }
    return actions;
  }

  /**
   * Removes {@code excess} instances, those that cannot serve first: instances not yet healthy
   * are terminated; healthy ones (ready, or healthy but not yet for the minimum ready time, which
   * a router may already send requests to) are drained, never terminated outright.
   */
  private List<Action> shrink(int excess) {
    List<Instance> idle = pending.stream().filter(i -> !i.isHealthy()).limit(excess).toList();
    List<Instance> serving = new ArrayList<>(pending.stream().filter(Instance::isHealthy).toList());
    serving.addAll(ready);
    List<Instance> drain = List.copyOf(serving.subList(0, Math.min(serving.size(),
        excess - idle.size())));
    List<Action> actions = new ArrayList<>();
    if (!idle.isEmpty()) {
      actions.add(new Action.Terminate(idle, false, "above the step's scale"));
    }
    if (!drain.isEmpty()) {
      actions.add(new Action.Drain(drain));
    }
    return actions;
  }

  /**
   * Whatever step a planner is at (a pause, an analysis, a hold for a person), drains that are done
   * are terminated and the next drain deadline wakes the run: a held rollout leaves nothing
   * drained behind.
   *
   * @param d the step's decision
   * @return {@code d}, with the finished drains terminated first and woken by the next one due
   */
  Decision reapingDrains(Decision d) {
    Decision out = d;
    boolean reaped = d.actions().stream().anyMatch(a -> a instanceof Action.Terminate t
        && t.instances().containsAll(drainedDue));
    if (!drainedDue.isEmpty() && !reaped) {
      List<Action> actions = new ArrayList<>();
      actions.add(new Action.Terminate(List.copyOf(drainedDue), false, "drained"));
      actions.addAll(d.actions());
      out = new Decision(actions, d.wakeAt(), d.status(), d.reason(), d.step(), d.totalSteps(),
          d.progressKey());
    }
    return drainDue == null || out.status() != Decision.Status.CONTINUE ? out
        : out.wakeNoLaterThan(drainDue);
  }

  /** @return true when exactly {@code count} are ready and none is on the way */
  boolean isScaled(int count) {
    return ready.size() == count && pending.isEmpty();
  }

  /** @return the stable/new split with the stable revision first (or only the new one) */
  static Map<Revision, Integer> split(Optional<Revision> stable, Revision target, int percent) {
    Map<Revision, Integer> weights = new LinkedHashMap<>();
    if (stable.isPresent() && !stable.get().equals(target)) {
      weights.put(stable.get(), 100 - percent);
      weights.put(target, percent);
    } else {
      weights.put(target, 100);
    }
    return weights;
  }

  /** @return the split the replica ratio gives: ready new over all serving */
  Map<Revision, Integer> effectiveSplit(Optional<Revision> stable) {
    int serving = ready.size() + oldServing.size();
    int percent = serving == 0 ? 0 : (int) Math.round(100.0 * ready.size() / serving);
    return split(stable, target, percent);
  }

  /** @return a decision to fail because new instances failed */
  Decision failure(int step, int total) {
    String ids = failed.stream().limit(5).map(Instance::id).toList().toString();
    List<Action> cleanUp = List.of(new Action.Terminate(List.copyOf(failed), true,
        "failed or not healthy"));
    return new Decision(cleanUp, Optional.empty(), Decision.Status.FAILED,
        Optional.of(failed.size() + " instance(s) of " + target + " failed or were not healthy"
            + " in time: " + ids), step, total, "failed");
  }
}
