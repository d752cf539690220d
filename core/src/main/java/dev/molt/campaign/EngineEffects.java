package dev.molt.campaign;

import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.FleetBusyException;
import dev.molt.store.FleetLockedException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A campaign's work done for real: each fleet rebuilt through {@link ImageRebuild} (off the
 * engine's threads) and rolled by its own engine; every answer comes back on the scheduler.
 */
final class EngineEffects implements CampaignMachine.Effects {
  private final Map<String, RolloutEngine> engines;
  private final ImageRebuild rebuild;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Map<String, RolloutHandle> handles = new ConcurrentHashMap<>();
  // the answer of the latest rebuild started, once taken (guarded by this)
  private CompletableFuture<Void> handedOver = CompletableFuture.completedFuture(null);

  EngineEffects(Map<String, RolloutEngine> engines, ImageRebuild rebuild, Scheduler scheduler,
      Clock clock) {
    this.engines = Map.copyOf(engines);
    this.rebuild = rebuild;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public void startFleet(CampaignMachine machine, CampaignFleet fleet) {
    BaseChange change = machine.spec().change();
    CompletableFuture<LaunchSpec> built = scheduler.runBlocking(() -> rebuild.rebuild(
        fleet.name(), fleet.rollout().target(), change));
    // rebuilds run at once, but their answers are taken in the order the fleets started, so
    // that rollouts start in the wave's order whichever rebuild returns first
    synchronized (this) {
      handedOver = handedOver.exceptionally(e -> null).thenCompose(done -> built.handle(
          (spec, error) -> {
            later(() -> rebuilt(machine, fleet, spec, error));
            return null;
          }));
    }
  }

  private void rebuilt(CampaignMachine machine, CampaignFleet fleet, LaunchSpec spec,
      Throwable error) {
    if (!machine.isDriven()) {
      return; // stopped, or another process drives it now: that one rebuilds again
    }
    if (machine.current().phase() != CampaignPhase.RUNNING) {
      machine.fleetEnded(fleet.name(), FleetStatus.PENDING,
          Optional.of("not started: the campaign halted during its rebuild"));
      return;
    }
    Optional<String> refused = error != null
        ? Optional.of("rebuild failed: " + unwrap(error))
        : spec == null ? Optional.of("rebuild returned no launch spec")
        : onNewBase(spec.image(), machine.spec().change()) ? Optional.empty()
        : Optional.of("rebuild returned image " + spec.image().reference() + ", which is not"
            + " built on " + machine.spec().change().to().reference());
    if (refused.isPresent()) {
      machine.fleetEnded(fleet.name(), FleetStatus.FAILED, refused);
      return;
    }
    new Start(machine, fleet, spec).run();
  }

  /**
   * Starts a fleet's rollout on its rebuilt spec. A rollout of this very revision already running
   * is one a crashed process started before it could save so: it is adopted, not started twice.
   * A fleet that another rollout or engine holds is tried again with a growing delay, for at most
   * {@value #HELD_LIMIT_MIN} minutes, then fails naming the holder.
   */
  private final class Start implements Runnable {
    private final CampaignMachine machine;
    private final CampaignFleet fleet;
    private final LaunchSpec spec;
    private final java.time.Instant giveUpAt;
    private Duration delay = Duration.ofSeconds(2);

    Start(CampaignMachine machine, CampaignFleet fleet, LaunchSpec spec) {
      this.machine = machine;
      this.fleet = fleet;
      this.spec = spec;
      this.giveUpAt = clock.instant().plus(Duration.ofMinutes(HELD_LIMIT_MIN));
    }

    @Override
    public void run() {
      if (!machine.isDriven()) {
        return;
      }
      RolloutHandle handle;
      try {
        RolloutEngine engine = engines.get(fleet.engine());
        Optional<RolloutHandle> running = engine.active(fleet.name())
            .filter(h -> h.current().to().equals(spec.revision()));
        handle = running.isPresent() ? running.get()
            : engine.start(fleetSpec(machine.spec(), fleet, spec));
      } catch (FleetBusyException | FleetLockedException e) {
        if (clock.instant().isBefore(giveUpAt)) {
          scheduler.schedule(this, delay);
          delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY
              : delay.multipliedBy(2);
          return;
        }
        machine.fleetEnded(fleet.name(), FleetStatus.FAILED, Optional.of("rollout not started:"
            + " the fleet stayed held for " + HELD_LIMIT_MIN + " minutes: " + e.getMessage()));
        return;
      } catch (MoltException e) {
        machine.fleetEnded(fleet.name(), FleetStatus.FAILED, Optional.of("rollout not started: "
            + e.getMessage()));
        return;
      }
      handles.put(fleet.name(), handle);
      machine.fleetStarted(fleet.name(), spec.revision(), handle.id());
      watch(machine, fleet.name(), handle);
    }
  }

  /** How long a fleet held by another rollout or engine is waited for before it fails. */
  private static final long HELD_LIMIT_MIN = 10;
  private static final Duration MAX_DELAY = Duration.ofMinutes(1);

  private void watch(CampaignMachine machine, String fleet, RolloutHandle handle) {
    handle.completion().whenComplete((end, failure) -> later(() -> machine.fleetEnded(
        fleet, status(end, failure), reason(end, failure))));
  }

  @Override
  public void reattach(CampaignMachine machine, FleetProgress fleet) {
    new Reattach(machine, fleet).run();
  }

  /**
   * Finds a fleet's work after a crash. The engines are expected to have resumed their rollouts
   * ({@link RolloutEngine#resumeAll()}); one they did not is resumed here, and one another engine
   * still holds is looked at again with a growing delay until it ends or is free.
   */
  private final class Reattach implements Runnable {
    private static final Duration FIRST_DELAY = Duration.ofSeconds(2);
    private final CampaignMachine machine;
    private final FleetProgress fleet;
    private final CampaignFleet spec;
    private final RolloutEngine engine;
    private Duration delay = FIRST_DELAY;

    Reattach(CampaignMachine machine, FleetProgress fleet) {
      this.machine = machine;
      this.fleet = fleet;
      this.spec = fleetOf(machine, fleet.fleet());
      this.engine = engines.get(spec.engine());
    }

    @Override
    public void run() {
      if (!machine.isDriven()) {
        return;
      }
      try {
        switch (fleet.status()) {
          case REBUILDING -> rebuilding();
          case ROLLING, ABORTING -> rolling();
          case REVERTING -> reverting();
          default -> { }
        }
      } catch (FleetLockedException | FleetBusyException | dev.molt.store.StoreException e) {
        Duration wait = delay;
        delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        scheduler.schedule(this, wait);
      } catch (MoltException e) {
        later(() -> machine.fleetEnded(fleet.fleet(), FleetStatus.FAILED, Optional.of(
            "could not be found again after the campaign was resumed: " + e.getMessage())));
      }
    }

    /**
     * The crash came after the rebuild was asked for and before its rollout was saved: a rollout
     * of the fleet moving it off its old revision is the one the crashed process started (a
     * pipeline may give a new digest on each build, so the revision need not match); else the
     * fleet is rebuilt and started now.
     */
    private void rebuilding() {
      Optional<RolloutHandle> running = engine.active(fleet.fleet())
          .filter(h -> !h.current().to().equals(fleet.from()));
      if (running.isEmpty()) {
        startFleet(machine, spec);
        return;
      }
      handles.put(fleet.fleet(), running.get());
      machine.fleetStarted(fleet.fleet(), running.get().current().to(), running.get().id());
      watch(machine, fleet.fleet(), running.get());
    }

    private void rolling() {
      String id = fleet.rolloutId().orElseThrow();
      Optional<RolloutHandle> running = engine.active(fleet.fleet()).filter(h -> h.id()
          .equals(id));
      RolloutHandle handle;
      if (running.isPresent()) {
        handle = running.get();
      } else {
        Rollout saved = engine.find(id).orElseThrow(() -> new MoltException("rollout " + id
            + " of fleet " + fleet.fleet() + " is in neither its engine nor its store"));
        if (saved.phase().isTerminal()) {
          later(() -> machine.fleetEnded(fleet.fleet(), status(saved, null),
              reason(saved, null)));
          return;
        }
        handle = engine.resume(id);
      }
      handles.put(fleet.fleet(), handle);
      watch(machine, fleet.fleet(), handle);
      // aborting when saved, or since (a halt while this looked): the rollout is aborted now
      if (machine.current().fleet(fleet.fleet()).map(FleetProgress::status)
          .filter(st -> st == FleetStatus.ABORTING).isPresent()) {
        abort(machine, fleet, "campaign " + machine.id() + " halted: " + machine.current()
            .reason().orElse("halted"));
      }
    }

    /** A revert that ran on is watched; else the fleet is returned to its revision again. */
    private void reverting() {
      Optional<RolloutHandle> running = engine.active(fleet.fleet())
          .filter(h -> h.current().to().equals(fleet.from()));
      RolloutHandle undo = running.isPresent() ? running.get() : engine.start(spec.rollout());
      watchRevert(machine, fleet.fleet(), undo);
    }
  }

  /**
   * The fleet's rollout on the rebuilt spec, under the campaign's windows and window end (a
   * campaign that is always open leaves the fleet's own windows as they are).
   */
  static RolloutSpec fleetSpec(CampaignSpec campaign, CampaignFleet fleet,
      LaunchSpec rebuilt) {
    RolloutSpec.Builder b = fleet.rollout().toBuilder().target(rebuilt);
    return campaign.windows().isAlwaysOpen() ? b.build()
        : b.windows(campaign.windows()).atWindowEnd(campaign.windowEnd()).build();
  }

  private static boolean onNewBase(Image image, BaseChange change) {
    return image.reference().equals(change.to().reference()) || image.isBuiltOn(change.to());
  }

  private static FleetStatus status(Rollout end, Throwable failure) {
    if (failure != null) {
      return FleetStatus.FAILED;
    }
    return end.phase() == RolloutPhase.SUCCEEDED ? FleetStatus.SUCCEEDED
        : end.phase() == RolloutPhase.ROLLED_BACK ? FleetStatus.ROLLED_BACK : FleetStatus.FAILED;
  }

  private static Optional<String> reason(Rollout end, Throwable failure) {
    return failure != null ? Optional.of(unwrap(failure)) : end.reason();
  }

  @Override
  public void measureGates(CampaignMachine machine, Wave wave,
      List<FleetProgress> succeeded) {
    new BakeGates(engines, machine.spec(), scheduler, clock).measure(wave, succeeded)
        .whenComplete((failure, error) -> later(() -> machine.gatesJudged(wave, error != null
            ? Optional.of("gates could not be measured: " + unwrap(error)) : failure)));
  }

  @Override
  public void abort(CampaignMachine machine, FleetProgress fleet, String reason) {
    RolloutHandle handle = handles.get(fleet.fleet());
    if (handle == null || !machine.isDriven()) {
      return; // not found again yet after a resume: Reattach aborts it once it is
    }
    try {
      handle.abort(reason);
    } catch (MoltException e) {
      // it ended meanwhile: its completion reports the end as for any rollout
    }
  }

  @Override
  public void revert(CampaignMachine machine, FleetProgress fleet) {
    if (!machine.isDriven()) {
      return;
    }
    try {
      // a fleet that succeeded before a crash has no handle here: its original spec (the
      // revision it ran before the campaign) is started again, which is what undo() starts
      RolloutHandle done = handles.get(fleet.fleet());
      CampaignFleet spec = fleetOf(machine, fleet.fleet());
      watchRevert(machine, fleet.fleet(), done != null ? done.undo()
          : engines.get(spec.engine()).start(spec.rollout()));
    } catch (MoltException e) {
      later(() -> machine.fleetEnded(fleet.fleet(), FleetStatus.FAILED,
          Optional.of("could not revert: " + e.getMessage())));
    }
  }

  private static CampaignFleet fleetOf(CampaignMachine machine, String fleet) {
    return machine.spec().fleets().stream().filter(f -> f.name().equals(fleet)).findFirst()
        .orElseThrow();
  }

  private void watchRevert(CampaignMachine machine, String fleet, RolloutHandle undo) {
    undo.completion().whenComplete((end, failure) -> later(() -> machine.fleetEnded(
        fleet, failure == null && end.phase() == RolloutPhase.SUCCEEDED
            ? FleetStatus.REVERTED : FleetStatus.FAILED,
        failure == null && end.phase() == RolloutPhase.SUCCEEDED ? Optional.empty()
            : Optional.of("revert " + undo.id() + " failed: " + reason(end, failure)
                .orElseGet(() -> String.valueOf(end.phase()))))));
  }

  @Override
  public void awaitingApproval(CampaignMachine machine, Wave wave) {
    // a person calls approve()
  }

  private void later(Runnable task) {
    scheduler.schedule(task, Duration.ZERO);
  }

  static String unwrap(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
