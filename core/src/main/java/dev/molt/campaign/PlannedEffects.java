package dev.molt.campaign;

import dev.molt.Revision;
import dev.molt.engine.RolloutPlan;
import dev.molt.gate.Analysis;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A campaign's work simulated for {@link Campaigns#plan}: each fleet's rollout is planned by its
 * engine at the moment the campaign starts it (so the campaign's windows and window end hold it
 * there as they would), takes the duration that plan expects and succeeds; gates pass after their
 * measurements, an approval is given at once. The campaign's own machine and planner run
 * unchanged.
 */
final class PlannedEffects implements CampaignMachine.Effects {
  private final BiFunction<CampaignFleet, Instant, RolloutPlan> planner;
  private final Scheduler scheduler;
  private final Clock clock;
  private final List<Hold> holds = new CopyOnWriteArrayList<>();

  /** A wait for a window inside a fleet's planned rollout, from {@code at} for {@code lasts}. */
  record Hold(String fleet, Instant at, Duration lasts, String detail) {}

  /**
   * @param planner a fleet's rollout plan if it started at the given instant
   * @param scheduler the plan's virtual time
   * @param clock its clock
   */
  PlannedEffects(BiFunction<CampaignFleet, Instant, RolloutPlan> planner, Scheduler scheduler,
      Clock clock) {
    this.planner = planner;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** @return the waits for windows inside the fleets' rollouts, in the order the fleets started */
  List<Hold> holds() {
    return List.copyOf(holds);
  }

  @Override
  public void startFleet(CampaignMachine machine, CampaignFleet fleet) {
    scheduler.schedule(() -> {
      Instant start = clock.instant();
      RolloutPlan plan = planner.apply(fleet, start);
      for (RolloutPlan.WindowWait w : plan.windowWaits()) {
        holds.add(new Hold(fleet.name(), start.plus(w.startsAfter()), w.lasts(), w.detail()));
      }
      Revision from = fleet.rollout().target().revision();
      machine.fleetStarted(fleet.name(), from, "planned-" + fleet.name());
      scheduler.schedule(() -> machine.fleetEnded(fleet.name(), FleetStatus.SUCCEEDED,
          Optional.empty()), plan.expectedDuration());
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
