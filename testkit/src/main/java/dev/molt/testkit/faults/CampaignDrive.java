package dev.molt.testkit.faults;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignHandle;
import dev.molt.campaign.CampaignListener;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetProgress;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Provider;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.invariants.CampaignChecker;
import dev.molt.testkit.invariants.InvariantChecker;
import dev.molt.testkit.invariants.Liveness;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs one {@link CampaignSchedule}: every fleet deployed on v1, the faults installed, then the
 * campaign, checked at every event by a {@link CampaignChecker} (exposure, concurrency, wave
 * order) and by one {@link InvariantChecker} per fleet for its rollouts (and reverts), and at the
 * end: the campaign ended within its bound, it halted exactly when more fleets failed than
 * {@code maxFailures} allows, and every fleet is whole on its new revision or back on its old one,
 * with nothing left that Molt does not own and no rollout still running.
 */
final class CampaignDrive {
  private final CampaignSchedule schedule;
  private final CampaignSpec spec;
  private final SimulatedPlatform sim;
  private final FakeImageRebuild rebuild = FakeImageRebuild.create();
  private final Map<String, RolloutSpec> rollouts = new LinkedHashMap<>();
  private final Map<String, InvariantChecker> checkers = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final Meddling meddling;

  /**
   * What a test does behind the campaign's back, to show that the checks catch it.
   *
   * @param atStart right after the campaign started
   * @param atEnd once the time stopped, before the end is checked
   */
  record Meddling(BiConsumer<SimulatedPlatform, CampaignHandle> atStart,
      Consumer<SimulatedPlatform> atEnd) {
    static final Meddling NONE = new Meddling((sim, handle) -> { }, sim -> { });
  }

  private CampaignDrive(CampaignSchedule schedule, Meddling meddling) {
    this.schedule = schedule;
    this.meddling = meddling;
    this.spec = schedule.spec();
    this.sim = SimulatedPlatform.create(schedule.seed(), schedule.routed());
  }

  static CampaignOutcome run(CampaignSchedule schedule) {
    return run(schedule, Meddling.NONE);
  }

  static CampaignOutcome run(CampaignSchedule schedule, Meddling meddling) {
    return new CampaignDrive(schedule, meddling).run();
  }

  private CampaignOutcome run() {
    prepare();
    CampaignChecker campaignChecker = CampaignChecker.of(spec, sim.provider());
    Failures failures = new Failures(rollouts);
    AtomicReference<CampaignHandle> handle = new AtomicReference<>();
    Process first = new Process("campaign", schedule.crashAfterEvent(), campaignChecker, failures,
        handle);
    Duration bound = bound();
    Optional<Campaign> end = drive(first, handle, bound);
    RolloutEngine engine = (first.successor != null ? first.successor : first).engine;
    meddling.atEnd().accept(sim);
    problems.addAll(campaignChecker.violations());
    if (campaignChecker.checks() == 0) {
      problems.add("the campaign checker saw no event");
    }
    checkers.forEach((fleet, checker) -> {
      checker.checkLiveness(liveness(rollouts.get(fleet)));
      checker.violations().forEach(v -> problems.add(fleet + ": " + v));
    });
    if (end.isEmpty()) {
      problems.add("stuck: the campaign had not ended after " + Optional.ofNullable(handle.get())
          .map(h -> h.current().elapsed() + " (bound " + bound + "): " + h.current().summary())
          .orElse("its start"));
    } else {
      checkEnd(end.get(), bound, failures, engine);
    }
    return new CampaignOutcome(schedule, end, problems);
  }

  /** Deploys every fleet on v1, then installs the faults and one checker per fleet. */
  private void prepare() {
    for (CampaignFleet f : spec.fleets()) {
      sim.deploy(f.name(), f.rollout().target(), f.capacity());
      RolloutSpec rebuilt = f.rollout().withTarget(rebuild.rebuild(f.name(), f.rollout().target(),
          spec.change()));
      rollouts.put(f.name(), rebuilt);
      if (schedule.broken().contains(f.name())) {
        sim.provider().script(rebuilt.target().revision(),
            InstanceBehavior.defaults().neverHealthy());
      }
    }
    sim.inject(schedule.plan());
    sim.provider().loseLaunchResponses(schedule.lostLaunchResponses());
    rollouts.forEach((fleet, rollout) -> checkers.put(fleet, InvariantChecker.of(sim.provider(),
        rollout, schedule.pollInterval())));
  }

  /**
   * The process that drives the campaign: one engine for every fleet (each fleet's calls shown to
   * its own checker only) and the campaign driver, both on the platform's store. The schedule's
   * crash kills both after the campaign's n-th event; the successor then resumes.
   */
  private final class Process {
    final RolloutEngine engine;
    final Campaigns campaigns;
    final CampaignChecker campaignChecker;
    final Failures failures;
    final AtomicReference<CampaignHandle> handle;
    volatile boolean dead;
    Process successor;
    private int events;

    Process(String identity, int crashAfterEvent, CampaignChecker campaignChecker,
        Failures failures, AtomicReference<CampaignHandle> handle) {
      this.campaignChecker = campaignChecker;
      this.failures = failures;
      this.handle = handle;
      Map<String, Provider> wrapped = new LinkedHashMap<>();
      checkers.forEach((fleet, checker) -> wrapped.put(fleet, checker.wrap(sim.provider())));
      RolloutEngine.Builder b = RolloutEngine.builder(new FleetDispatch(sim.provider(), wrapped))
          .time(sim.time()).seed(schedule.seed()).store(sim.store()).identity(identity)
          .pollInterval(schedule.pollInterval()).listener(campaignChecker).listener(failures);
      checkers.values().forEach(b::listener);
      this.engine = b.build();
      this.campaigns = Campaigns.builder(rebuild).engine(engine).time(sim.time())
          .seed(schedule.seed()).store(sim.store()).identity(identity + "-driver")
          .listener(campaignChecker).listener(failures).listener(approver(handle))
          .listener((c, e) -> crashAt(crashAfterEvent)).build();
    }

    private synchronized void crashAt(int n) {
      if (!dead && n > 0 && ++events == n) {
        dead = true;
        died.set(true);
        campaigns.shutdownNow();
        engine.shutdownNow();
      }
    }

    /** A new process resumes what this one left, once its leases lapsed. */
    Process resume() {
      sim.time().advance(LEASES_LAPSE);
      successor = new Process("campaign-2", 0, campaignChecker, failures, handle);
      successor.engine.resumeAll();
      handle.set(successor.campaigns.resume(spec));
      return successor;
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean died =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** @return whether the campaign's first process died: approvals may reach its dead handle */
  private boolean crashed() {
    return died.get();
  }

  /** Longer than every lease the engine and the campaign take (30 s by default). */
  private static final Duration LEASES_LAPSE = Duration.ofSeconds(31);

  /** Starts the campaign and drives the time until it ended, or until twice its bound. */
  private Optional<Campaign> drive(Process process, AtomicReference<CampaignHandle> handle,
      Duration bound) {
    try {
      handle.set(process.campaigns.start(spec));
      meddling.atStart().accept(sim, handle.get());
      VirtualTime time = sim.time();
      java.time.Instant limit = time.now().plus(bound.multipliedBy(2));
      time.runUntil(() -> handle.get().completion().isDone() || process.dead, limit);
      if (process.dead) { // its handle's completion says it stopped
        Campaign saved = Campaigns.saved(sim.store(), handle.get().id()).orElseThrow();
        if (saved.isDone()) {
          return Optional.of(saved); // it died right after saving its end: nothing to resume
        }
        process.resume();
        if (handle.get().current().stage() == Campaign.Stage.AWAITING_APPROVAL) {
          // the person sees the resumed campaign wait, and approves it again
          sim.time().schedule(() -> approve(handle), schedule.approvalDelay());
        }
        time.runUntil(() -> handle.get().completion().isDone(), limit);
      }
      return Optional.of(handle.get().current()).filter(Campaign::isDone);
    } catch (RuntimeException e) {
      problems.add("unexpected " + e);
      return Optional.empty();
    }
  }

  /** The schedule's person approves each wave that asks, after the schedule's delay. */
  private CampaignListener approver(AtomicReference<CampaignHandle> handle) {
    return (campaign, event) -> {
      if (event.type() == CampaignEvent.Type.AWAITING_APPROVAL) {
        sim.time().schedule(() -> approve(handle), schedule.approvalDelay());
      }
    };
  }

  /**
   * Approves on the handle of the process that drives the campaign now. An approval asked for
   * before a crash may find the campaign approved already, or reach the dead process's handle:
   * then it is dropped (the person approves the resumed campaign again when it waits).
   */
  private void approve(AtomicReference<CampaignHandle> handle) {
    CampaignHandle h = handle.get();
    boolean crashed = crashed();
    if (crashed && (h.current().phase() != CampaignPhase.RUNNING
        || h.current().stage() != Campaign.Stage.AWAITING_APPROVAL)) {
      return;
    }
    try {
      h.approve();
    } catch (IllegalControlException e) {
      if (!crashed) { // else: the handle of the process that died
        problems.add("approve() of wave " + h.current().wave() + " threw: " + e.getMessage());
      }
    }
  }

  private Liveness liveness(RolloutSpec rollout) {
    Duration quiet = schedule.plan().quietAfter();
    return Liveness.of(rollout, quiet, "(faults quiet after " + quiet + ")");
  }

  /**
   * Every fleet's rollout and a revert after it, one after another, plus every wave's bake and
   * approval, plus an hour.
   */
  private Duration bound() {
    Duration sum = Duration.ofHours(1);
    for (RolloutSpec r : rollouts.values()) {
      sum = sum.plus(liveness(r).bound().multipliedBy(2));
    }
    for (Wave w : spec.waves()) {
      sum = sum.plus(w.bake()).plus(w.approval() ? schedule.approvalDelay() : Duration.ZERO);
    }
    return sum;
  }

  private void checkEnd(Campaign done, Duration bound, Failures failures, RolloutEngine engine) {
    if (done.elapsed().compareTo(bound) > 0) {
      problems.add("liveness: the campaign ended after " + done.elapsed() + ", beyond its bound "
          + bound);
    }
    int limit = spec.failureLimit();
    if (done.phase() == CampaignPhase.HALTED && failures.atHalt() <= limit) {
      problems.add("halt: the campaign halted (" + done.reason().orElse("no reason") + ") with "
          + failures.atHalt() + " failed fleets, within maxFailures=" + spec.maxFailures()
          + " (" + limit + ")");
    }
    if (done.phase() == CampaignPhase.SUCCEEDED && failures.failed().size() > limit) {
      problems.add("halt: the campaign succeeded although fleets " + failures.failed()
          + " failed, more than maxFailures=" + spec.maxFailures() + " (" + limit + ")");
    }
    for (FleetProgress f : done.fleets()) {
      checkFleet(done, f);
      if (engine.active(f.fleet()).isPresent()) {
        problems.add("end: " + f.fleet() + " still has a running rollout after the campaign"
            + " ended " + done.phase());
      }
    }
  }

  /** Whole on the new revision or back on the old one, nothing half-way, nothing unowned. */
  private void checkFleet(Campaign done, FleetProgress f) {
    InMemoryProvider platform = sim.provider();
    Revision old = f.from();
    Revision fresh = rollouts.get(f.fleet()).target().revision();
    List<Instance> live = platform.instances(f.fleet()).stream()
        .filter(i -> i.state() != InstanceState.FAILED && i.state() != InstanceState.DRAINED)
        .toList();
    String where = "end: " + f.fleet() + " (" + f.status() + ") ";
    if (f.status() == FleetStatus.FAILED && f.rolloutId().isEmpty()) {
      problems.add(where + "never got a rollout: " + f.reason().orElse("no reason"));
    }
    List<Instance> unowned = live.stream()
        .filter(i -> !OwnerLabels.isOwned(i.labels(), f.fleet())).toList();
    if (!unowned.isEmpty()) {
      problems.add(where + "has instances nobody owns: " + InvariantChecker.describe(unowned));
    }
    Set<Revision> revisions = live.stream().map(Instance::revision).collect(Collectors.toSet());
    Set<Revision> expected = switch (f.status()) {
      case SUCCEEDED -> Set.of(fresh);
      case ROLLED_BACK, REVERTED, PENDING -> Set.of(old);
      default -> Set.of(old, fresh);
    };
    if (done.phase() == CampaignPhase.HALTED && spec.rollBackOnHalt()
        && f.status() == FleetStatus.SUCCEEDED) {
      problems.add(where + "kept its new revision although the campaign halted with"
          + " rollBackOnHalt");
    }
    boolean whole = live.size() == f.capacity() && revisions.size() == 1
        && expected.containsAll(revisions) && live.stream().noneMatch(i -> i.state().isDraining());
    if (!whole) {
      problems.add(where + "is not whole on " + (expected.size() == 1 ? expected.iterator().next()
          : old + " or " + fresh) + " at capacity " + f.capacity() + ": "
          + InvariantChecker.describe(platform.instances(f.fleet())));
    }
  }
}
