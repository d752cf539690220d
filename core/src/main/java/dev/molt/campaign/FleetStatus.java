package dev.molt.campaign;

/** Where one fleet of a campaign is. */
public enum FleetStatus {
  /** Not started yet. */
  PENDING,
  /** Its image is being rebuilt on the new base; it already counts against the budget. */
  REBUILDING,
  /** Its rollout runs. */
  ROLLING,
  /** Its rollout was aborted by a halting campaign and is rolling back. */
  ABORTING,
  /** Its rollout succeeded: the fleet runs the rebuilt image. */
  SUCCEEDED,
  /** Its rollout failed and rolled the fleet back (or was aborted). */
  ROLLED_BACK,
  /** Its rebuild or rollout failed and nothing could roll it back, or it could not start. */
  FAILED,
  /** A halting campaign returns it from the rebuilt image to its previous revision. */
  REVERTING,
  /** A halting campaign returned it to its previous revision. */
  REVERTED;

  /** @return whether the fleet counts against the exposure budget now */
  public boolean isExposed() {
    return this == REBUILDING || this == ROLLING || this == ABORTING;
  }

  /** @return whether the campaign is still waiting for something of this fleet */
  public boolean isInFlight() {
    return isExposed() || this == REVERTING;
  }

  /** @return whether the fleet failed (what {@link CampaignSpec#maxFailures()} counts) */
  public boolean isFailure() {
    return this == ROLLED_BACK || this == FAILED;
  }
}
