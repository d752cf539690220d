package dev.molt.testkit.faults;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.engine.ContinuousReconciler;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.invariants.InvariantChecker;
import dev.molt.testkit.invariants.Liveness;
import dev.molt.time.Cancellable;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The reconcile schedules of a {@link FaultCampaign}: some of v1's instances are tainted, a
 * reconcile (one-shot, or the first pass of a {@link ContinuousReconciler}) declares v1 (or v2:
 * every instance drifted) under the platform's faults, the engine may crash mid-way, and a fresh
 * engine resumes it from the store. Beyond the {@link InvariantChecker}'s invariants, a reconcile
 * must end as a reconcile: never ROLLED_BACK (it stops where it is on failure), and on success no
 * tainted instance and nothing but the declared revision remains. Drive it from one thread.
 */
final class ReconcileDrive {
  private ReconcileDrive() {}

  /**
   * Runs a reconcile schedule on a platform where v1 is deployed.
   *
   * @param sim the platform
   * @param schedule the schedule (its spec gives capacity, deadlines and rolling limits)
   * @param reconcile what to taint and declare
   * @return what happened
   */
  static FaultCampaign.Outcome run(SimulatedPlatform sim, Schedule schedule,
      Chaos.Reconcile reconcile) {
    List<Instance> v1 = sim.provider().instances(Schedule.FLEET).stream()
        .filter(i -> OwnerLabels.isOwned(i.labels(), Schedule.FLEET)).toList();
    for (int n = 0; n < reconcile.tainted() && n < v1.size(); n++) {
      sim.provider().label(v1.get(n).id(), OwnerLabels.TAINTED, "campaign");
    }
    ReconcileSpec spec = ReconcileSpec.builder(Schedule.FLEET).capacity(schedule.spec().capacity())
        .declared(SimulatedPlatform.spec(reconcile.drifted() ? "v2" : "v1"))
        .rolling(schedule.spec().strategy() instanceof RollingUpdate r ? r
            : RollingUpdate.defaults())
        .progressDeadline(schedule.spec().progressDeadline())
        .drainTimeout(schedule.spec().drainTimeout()).build();
    sim.inject(schedule.plan());
    FaultCampaign.mishaps(sim, schedule);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec.asRollout(),
        schedule.pollInterval());
    Liveness liveness = FaultCampaign.liveness(schedule, spec.asRollout());
    List<String> problems = new ArrayList<>();
    boolean crashed = false;
    try {
      crashed = drive(sim, schedule, spec, reconcile.continuous(), checker, liveness);
    } catch (RuntimeException e) {
      problems.add("unexpected " + e);
    }
    checker.checkLiveness(liveness);
    problems.addAll(checker.violations());
    problems.addAll(endAsReconcile(sim, spec, checker.end(), crashed));
    return new FaultCampaign.Outcome(schedule, checker.end(), crashed, List.copyOf(problems));
  }

  private static boolean drive(SimulatedPlatform sim, Schedule schedule, ReconcileSpec spec,
      boolean continuous, InvariantChecker checker, Liveness liveness) {
    VirtualTime time = sim.time();
    Instant limit = time.now().plus(liveness.bound().multipliedBy(2).plus(Duration.ofHours(1)));
    CrashSwitch crash = CrashSwitch.afterEvents(Math.max(1, schedule.crashAfterEvents()));
    RolloutEngine first = FaultCampaign.engine(sim, schedule, checker, "first", crash, List.of());
    if (schedule.crashAfterEvents() > 0) {
      crash.attach(first);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Cancellable loop = Cancellable.none();
    if (continuous) {
      loop = ContinuousReconciler.start(first, time, spec, Duration.ofMinutes(5),
          report -> done.complete(null));
    } else {
      first.reconcile(spec).completion().whenComplete((r, e) -> done.complete(null));
    }
    time.runUntil(() -> done.isDone() || crash.crashed(), limit);
    loop.cancel(); // one pass is enough; a crashed engine starts no more either
    if (!crash.crashed()) {
      return false;
    }
    checker.engineStopped();
    time.advance(schedule.downtime()); // the crashed lease lapses
    RolloutEngine second = FaultCampaign.engine(sim, schedule, checker, "second",
        CrashSwitch.afterEvents(1), List.of());
    for (RolloutHandle resumed : second.resumeAll()) {
      time.runUntil(() -> resumed.completion().isDone(), limit);
    }
    return true;
  }

  /** A reconcile, resumed or not, ends as a reconcile: no rollback, nothing tainted left. */
  private static List<String> endAsReconcile(SimulatedPlatform sim, ReconcileSpec spec,
      Optional<RolloutPhase> end, boolean crashed) {
    List<String> out = new ArrayList<>();
    String which = crashed ? "a resumed reconcile" : "a reconcile";
    if (end.filter(p -> p == RolloutPhase.ROLLED_BACK).isPresent()) {
      out.add(which + " ended ROLLED_BACK: it ran as a rollout, not as a reconcile");
    }
    if (end.filter(p -> p == RolloutPhase.SUCCEEDED).isPresent()) {
      Revision declared = spec.declared().revision();
      List<Instance> left = sim.provider().instances(spec.fleet()).stream()
          .filter(i -> OwnerLabels.isOwned(i.labels(), spec.fleet())
              && (i.labels().containsKey(OwnerLabels.TAINTED)
                  || !i.revision().equals(declared))).toList();
      if (!left.isEmpty()) {
        out.add(which + " ended SUCCEEDED but left tainted or drifted instances "
            + InvariantChecker.describe(left));
      }
    }
    return out;
  }
}
