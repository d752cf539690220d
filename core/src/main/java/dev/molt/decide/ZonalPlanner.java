package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Wait;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides a rolling update zone by zone ({@link ZonalRollout}). Every decision starts from the
 * observed fleet, its live instances grouped by {@link OwnerLabels#ZONE} (instances without one
 * form the zone {@code ""}, "unzoned"), zones in name order:
 *
 * <ol>
 *   <li>A zone is <em>finished</em> when it has no old and no draining instance and every new one
 *       is ready; <em>untouched</em> when it has no new and no draining instance.
 *   <li>The zone in flight is the first zone not finished. Only it launches (into that zone) and
 *       drains; in the other zones drained, failed and old non-serving instances are only
 *       terminated, as the rolling planner does.
 *   <li>Its size is {@code desired} minus the instances the other zones hold (serving old, live
 *       new): the zone keeps its size, and the fleet its capacity.
 *   <li>Inside it the rolling rules apply with the fleet's limits resolved against {@code
 *       desired}, and unavailable lowered to {@code size - minHealthy(size)}, so the zone never
 *       serves fewer than its minimum. When neither surge nor unavailable is left (and the zone
 *       is to keep instances), the rollout fails: the zone could never be replaced.
 *   <li>Bake, before zone {@code k} (from 0) when {@code k > 0}: the step index is {@code 2k - 1}
 *       while it runs and {@code 2k} once zone {@code k} may start, each move one {@link
 *       Action.Advance} (which dates the step). Zone {@code k}, untouched, starts only once {@code
 *       bake} has passed since zone {@code k - 1} was found finished; until then one {@link
 *       Action.Await} of a {@link Wait.Reason#TIMED_PAUSE}. No bake before the first zone, after
 *       the last, or before a zone already started. A resumed run does not know when the last
 *       zone finished (a rolling update's step is not recorded) and bakes anew: late, never
 *       early.
 *   <li>When every zone is finished, the rolling planner over the whole fleet has the last word
 *       (launches short of {@code desired}, unplaced; done).
 * </ol>
 *
 * Worked example (desired 6, zones a and b with 3 old each, surge 1, unavailable 0,
 * minHealthyPerZone 2, bake 10 min): launch 1 into a → ready, a serves 4 → drain 1 old of a →
 * terminated → launch 1 into a → ... → a has 3 new ready, 0 old: advance to step 1 → wait
 * 10 min (b untouched) → advance to step 2 → launch 1 into b → ... → b finished: done. Zone b
 * is never touched while a is unfinished, and neither zone ever serves fewer than 3.
 *
 * <p>With {@code minHealthyPerZone 2} and surge 0, unavailable 1: zone a of 3 drains 1 (3 - 1 =
 * 2), launches its replacement once it is gone, and so on; a zone of 2 could drain nothing, so the
 * rollout fails when that zone's turn comes, naming the minimum, before the zone is touched. A
 * zone the capacity no longer needs (size 0) is emptied whatever the limits.
 *
 * <p>A rollback uses this planner without a bake: one zone at a time, each keeping its minimum.
 * Pure: no I/O, no clock reads.
 */
final class ZonalPlanner implements Planner {
  private final RollingUpdate params;
  private final ZonalRollout zonal;

  /**
   * @param params the strategy's limits and timings
   * @param zonal the zone settings
   */
  ZonalPlanner(RollingUpdate params, ZonalRollout zonal) {
    this.params = params.withoutZones();
    this.zonal = zonal;
  }

  @Override
  public Decision decide(PlanContext ctx) {
    int desired = ctx.desired();
    if (desired == 0) {
      return new RollingPlanner(params).decide(ctx); // a removal: every zone goes
    }
    Revision target = ctx.targetSpec().revision();
    Readiness rules = new Readiness(params.minReadyTime(), params.healthyDeadline(),
        ctx.drainTimeout());
    Map<String, Zone> zones = new TreeMap<>();
    WakeUp wake = new WakeUp();
    for (Instance i : ctx.observed().instances()) {
      if (i.state() == InstanceState.TERMINATED) {
        continue;
      }
      boolean isNew = i.revision().equals(target) && !ctx.retire().contains(i.id());
      zones.computeIfAbsent(zoneOf(i), Zone::new)
          .add(i, isNew, ctx.hold().contains(i.id()), rules.sort(i, ctx.now(), wake));
    }
    List<Zone> order = List.copyOf(zones.values());
    int k = 0;
    while (k < order.size() && order.get(k).finished()) {
      k++;
    }
    if (k == order.size()) {
      return new RollingPlanner(params).decide(ctx);
    }
    return inFlight(ctx, order, k, wake);
  }

  private Decision inFlight(PlanContext ctx, List<Zone> order, int k, WakeUp wake) {
    Zone zone = order.get(k);
    List<Action> cleanup = new ArrayList<>();
    int failedElsewhere = 0;
    int others = 0;
    int drainingElsewhere = 0;
    List<Instance> failed = new ArrayList<>();
    for (Zone z : order) {
      if (z != zone) {
        failedElsewhere += z.cleanup(cleanup);
        failed.addAll(z.failedNew);
        others += z.size();
        drainingElsewhere += z.draining.size();
      }
    }
    int replacements = ctx.replacements() + failedElsewhere;
    Optional<String> sameCause = FailureCauses.sameCause(ctx.failureCauses(), failed,
        params.maxReplacements(), ctx.targetSpec().revision(), params.healthyDeadline());
    if (sameCause.isPresent()) {
      return new Decision(cleanup, Optional.empty(), Decision.Status.FAILED, sameCause,
          readyNew(order, ctx), ctx.desired(), "failed");
    }
    ctx = ctx.withFailureCauses(FailureCauses.plus(ctx.failureCauses(), failed));
    if (replacements > params.maxReplacements()) {
      return new Decision(cleanup, Optional.empty(), Decision.Status.FAILED, Optional.of(
          replacements + " instances of " + ctx.targetSpec().revision() + " failed to become"
          + " healthy within " + Durations.text(params.healthyDeadline())
          + " (replacement budget " + params.maxReplacements() + ")"), readyNew(order, ctx),
          ctx.desired(), "failed");
    }
    Optional<Decision> bake = bake(ctx, order, k, wake, cleanup);
    if (bake.isPresent()) {
      return bake.get();
    }
    return replace(ctx, order, zone, Math.max(0, ctx.desired() - others), drainingElsewhere,
        replacements, cleanup, wake);
  }

  /**
   * The bake before zone {@code k}, told by the step index: {@code 2k - 1} while it runs (the
   * step began when zone {@code k - 1} was found finished), {@code 2k} once zone {@code k} may
   * start.
   *
   * @return the decision while the bake moves the step or waits; empty once zone k may go on
   */
  private Optional<Decision> bake(PlanContext ctx, List<Zone> order, int k, WakeUp wake,
      List<Action> cleanup) {
    if (!!zonal.bake().isZero() || k == 0 || ctx.steps().index() >= 2 * k) {
      return Optional.empty();
    }
    Zone zone = order.get(k);
    String before = name(order.get(k - 1));
    if (ctx.steps().index() < 2 * k - 1) {
      cleanup.add(new Action.Advance(2 * k - 1, "zone " + before + " replaced"));
      return Optional.of(new Decision(cleanup, wake.earliest(), Decision.Status.CONTINUE,
          Optional.empty(), readyNew(order, ctx), ctx.desired(), "zone-done-" + k));
    }
    Instant end = ctx.steps().startedAt().plus(zonal.bake());
    if (zone.untouched() && ctx.now().isBefore(end)) {
      wake.at(end);
      cleanup.add(new Action.Await(new Wait(Wait.Reason.TIMED_PAUSE, "zone " + name(zone)
          + " waits: zone " + before + " bakes " + Durations.text(zonal.bake()),
          Optional.of(end))));
      return Optional.of(new Decision(cleanup, wake.earliest(), Decision.Status.CONTINUE,
          Optional.empty(), readyNew(order, ctx), ctx.desired(), "bake-" + ctx.now()));
    }
    cleanup.add(new Action.Advance(2 * k, "zone " + before + " baked"));
    return Optional.of(new Decision(cleanup, wake.earliest(), Decision.Status.CONTINUE,
        Optional.empty(), readyNew(order, ctx), ctx.desired(), "zone-start-" + k));
  }

  /** The rolling rules inside the zone in flight, its minimum kept. */
  private Decision replace(PlanContext ctx, List<Zone> order, Zone zone, int size,
      int drainingElsewhere, int replacements, List<Action> cleanup, WakeUp wake) {
    int desired = ctx.desired();
    int surge = Math.max(0, params.surge(desired) - drainingElsewhere);
    int minimum = zonal.minHealthy(size);
    int unavailable = Math.max(0, Math.min(params.unavailable(desired), size - minimum));
    if (size == 0) {
      unavailable = 1; // a zone to empty drains all it has whatever the limits: nothing to keep
    } else if (surge == 0 && unavailable == 0) {
      return new Decision(cleanup, Optional.empty(), Decision.Status.FAILED, Optional.of("zone "
          + name(zone) + " of " + size + " instances cannot be replaced: minHealthyPerZone "
          + zonal.minHealthyPerZone() + " keeps " + minimum + " serving, which leaves no instance"
          + " to drain, and maxSurge " + params.maxSurge() + " allows none beside them. Allow"
          + " maxSurge >= 1 or lower minHealthyPerZone"), readyNew(order, ctx), desired,
          "failed");
    }
    RollingUpdate inside = params.withLimits(Amount.of(surge), Amount.of(unavailable));
    Fleet f = ctx.observed();
    PlanContext sub = new PlanContext(new Fleet(f.name(), size, zone.all, f.traffic()),
        ctx.targetSpec(), size, ctx.now(), replacements, ctx.drainTimeout(), ctx.retire(),
        ctx.hold(), ctx.steps(), ctx.unhealthySince(), ctx.failureCauses());
    Decision d = new RollingPlanner(inside).decide(sub);
    List<Action> actions = new ArrayList<>(cleanup);
    for (Action a : d.actions()) {
      actions.add(a instanceof Action.Launch l && !zone.name.isEmpty() ? l.inZone(zone.name) : a);
    }
    d.wakeAt().ifPresent(wake::at);
    Decision.Status status = d.status() == Decision.Status.FAILED ? Decision.Status.FAILED
        : Decision.Status.CONTINUE;
    return new Decision(actions, wake.earliest(), status, d.reason(), readyNew(order, ctx),
        desired, "zone-" + name(zone) + "-" + d.progressKey());
  }

  private static int readyNew(List<Zone> order, PlanContext ctx) {
    return Math.min(ctx.desired(), order.stream().mapToInt(z -> z.ready.size()).sum());
  }

  private static String zoneOf(Instance i) {
    String z = i.labels().get(OwnerLabels.ZONE);
    return z == null || z.isBlank() ? "" : z;
  }

  private static String name(Zone z) {
    return z.name.isEmpty() ? "(unzoned)" : z.name;
  }

  /** One zone's live instances, sorted as the rolling planner sorts them. */
  private static final class Zone {
    final String name;
    final List<Instance> all = new ArrayList<>();
    final List<Instance> ready = new ArrayList<>();
    final List<Instance> pendingNew = new ArrayList<>();
    final List<Instance> failedNew = new ArrayList<>();
    final List<Instance> oldServing = new ArrayList<>();
    final List<Instance> oldIdle = new ArrayList<>();
    final List<Instance> draining = new ArrayList<>();
    final List<Instance> drained = new ArrayList<>();

    Zone(String name) {
      this.name = name;
    }

    void add(Instance i, boolean isNew, boolean held, Readiness.Bucket bucket) {
      all.add(i);
      if (i.state().isDraining()) {
        (bucket == Readiness.Bucket.DRAINED ? drained : draining).add(i);
      } else if (isNew && held) {
        pendingNew.add(i);
      } else if (isNew) {
        switch (bucket) {
          case READY -> ready.add(i);
          case PENDING -> pendingNew.add(i);
          default -> failedNew.add(i);
        }
      } else if (i.isHealthy()) {
        oldServing.add(i);
      } else {
        oldIdle.add(i);
      }
    }

    boolean finished() {
      return oldServing.isEmpty() && oldIdle.isEmpty() && draining.isEmpty() && drained.isEmpty()
          && pendingNew.isEmpty() && failedNew.isEmpty() && !ready.isEmpty();
    }

    boolean untouched() {
      return ready.isEmpty() && pendingNew.isEmpty() && failedNew.isEmpty() && draining.isEmpty()
          && drained.isEmpty();
    }

    /** What the zone holds toward the fleet's capacity while another zone is replaced. */
    int size() {
      return oldServing.size() + ready.size() + pendingNew.size();
    }

    /**
     * Terminates what no limit protects: drained, old and not serving, failed new.
     *
     * @return how many failed new instances it terminates (against the replacement budget)
     */
    int cleanup(List<Action> actions) {
      if (!drained.isEmpty()) {
        actions.add(new Action.Terminate(List.copyOf(drained), false, "drained"));
      }
      if (!oldIdle.isEmpty()) {
        actions.add(new Action.Terminate(List.copyOf(oldIdle), false, "old and not serving"));
      }
      if (!failedNew.isEmpty()) {
        actions.add(new Action.Terminate(List.copyOf(failedNew), true,
            "not healthy by its deadline, or failed"));
      }
      return failedNew.size();
    }
  }
}
