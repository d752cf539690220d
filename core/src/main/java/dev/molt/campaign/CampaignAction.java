package dev.molt.campaign;

import java.time.Instant;
import java.util.Optional;

/** What the campaign planner asks the run to do next; each kind is performed by the machine. */
sealed interface CampaignAction {

  /** Wait for a person's approval before wave {@code wave}. */
  record AwaitApproval(int wave) implements CampaignAction {}

  /** Show (or clear, when empty) that the wave's fleets wait for a deployment window. */
  record WindowWait(Optional<CampaignWait> shown) implements CampaignAction {}

  /** Start wave {@code wave}: its fleets may now start. */
  record StartWave(int wave) implements CampaignAction {}

  /** Rebuild the fleet's image and start its rollout. */
  record StartFleet(String fleet) implements CampaignAction {}

  /** Every fleet of the wave ended: bake until {@code until}. */
  record StartBake(int wave, Instant until) implements CampaignAction {}

  /** Measure the wave's bake gates on its fleets that succeeded. */
  record MeasureGates(int wave) implements CampaignAction {}

  /** The wave is over; the next one (or the end) comes. */
  record EndWave(int wave) implements CampaignAction {}

  /** Halt the campaign. */
  record Halt(String reason) implements CampaignAction {}

  /** Abort a running rollout: its fleet rolls back. */
  record Abort(String fleet) implements CampaignAction {}

  /** Return a fleet the campaign changed to its previous revision. */
  record Revert(String fleet) implements CampaignAction {}

  /** End the campaign in {@code phase}. */
  record Finish(CampaignPhase phase) implements CampaignAction {}
}
