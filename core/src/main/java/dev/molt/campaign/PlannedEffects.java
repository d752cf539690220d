package dev.molt.campaign;

import dev.molt.Revision;
import dev.molt.gate.Analysis;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A campaign's work simulated for {@link Campaigns#plan}: each fleet's rollout takes the duration
 * its engine's {@code plan()} expects and succeeds, gates pass after their measurements, an
 * approval is given at once. The campaign's own machine and planner run unchanged.
 */
final class PlannedEffects implements CampaignMachine.Effects {
  private final Map<String, Duration> durations;
  private final Scheduler scheduler;

  PlannedEffects(Map<String, Duration> durations, Scheduler scheduler) {
    this.durations = Map.copyOf(durations);
    this.scheduler = scheduler;
  }

  @Override
  public void startFleet(CampaignMachine machine, CampaignFleet fleet) {
    scheduler.schedule(() -> {
      Revision from = fleet.rollout().target().revision();
      machine.fleetStarted(fleet.name(), from, "planned-" + fleet.name());
      scheduler.schedule(() -> machine.fleetEnded(fleet.name(), FleetStatus.SUCCEEDED,
          Optional.empty()), durations.get(fleet.name()));
    }, Duration.ZERO);
  }

  @Override
  public void measureGates(CampaignMachine machine, Wave wave, List<FleetProgress> succeeded) {
    Duration longest = wave.gates().stream().map(PlannedEffects::duration)
        .max(Duration::compareTo).orElse(Duration.ZERO);
    scheduler.schedule(() -> machine.gatesJudged(wave, Optional.empty()), longest);
  }

  /** An analysis that passes takes {@code count - 1} intervals: the first measurement is at once. */
  private static Duration duration(Analysis a) {
    return a.interval().multipliedBy(a.count() - 1L);
  }

  @Override
  public void abort(CampaignMachine machine, FleetProgress fleet, String reason) {
    throw new IllegalStateException("a plan never halts");
  }

  @Override
  public void revert(CampaignMachine machine, FleetProgress fleet) {
    throw new IllegalStateException("a plan never halts");
  }

  @Override
  public void awaitingApproval(CampaignMachine machine, Wave wave) {
    scheduler.schedule(machine::approve, Duration.ZERO);
  }
}
