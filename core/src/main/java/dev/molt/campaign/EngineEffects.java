package dev.molt.campaign;

import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
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
    RolloutHandle handle;
    try {
      handle = engines.get(fleet.engine()).start(fleetSpec(machine.spec(), fleet, spec));
    } catch (MoltException e) {
      machine.fleetEnded(fleet.name(), FleetStatus.FAILED, Optional.of("rollout not started: "
          + e.getMessage()));
      return;
    }
    handles.put(fleet.name(), handle);
    machine.fleetStarted(fleet.name(), spec.revision(), handle.id());
    handle.completion().whenComplete((end, failure) -> later(() -> machine.fleetEnded(
        fleet.name(), status(end, failure), reason(end, failure))));
  }

  /**
   * The fleet's rollout on the rebuilt spec, under the campaign's windows and window end (a
   * campaign that is always open leaves the fleet's own windows as they are).
   */
  private static RolloutSpec fleetSpec(CampaignSpec campaign, CampaignFleet fleet,
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
    try {
      handle.abort(reason);
    } catch (MoltException e) {
      // it ended meanwhile: its completion reports the end as for any rollout
    }
  }

  @Override
  public void revert(CampaignMachine machine, FleetProgress fleet) {
    try {
      RolloutHandle undo = handles.get(fleet.fleet()).undo();
      undo.completion().whenComplete((end, failure) -> later(() -> machine.fleetEnded(
          fleet.fleet(), failure == null && end.phase() == RolloutPhase.SUCCEEDED
              ? FleetStatus.REVERTED : FleetStatus.FAILED,
          failure == null && end.phase() == RolloutPhase.SUCCEEDED ? Optional.empty()
              : Optional.of("revert " + undo.id() + " failed: " + reason(end, failure)
                  .orElse(String.valueOf(end.phase()))))));
    } catch (MoltException e) {
      later(() -> machine.fleetEnded(fleet.fleet(), FleetStatus.FAILED,
          Optional.of("could not revert: " + e.getMessage())));
    }
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
