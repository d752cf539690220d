package dev.molt.rollout;

/** Where a rollout is in its life. */
public enum RolloutPhase {
  /** Created, not yet observed the fleet. */
  PENDING,
  /** Moving the fleet to the new revision. */
  PROGRESSING,
  /** Holding still, by request or after a failure under {@link FailurePolicy#PAUSE}. */
  PAUSED,
  /** Switching traffic to the new revision for good (blue-green, canary). */
  PROMOTING,
  /** Returning the fleet to the previous revision after an abort or a failure. */
  ABORTING,
  /** The fleet runs the new revision at full capacity; nothing else remains. */
  SUCCEEDED,
  /** The fleet runs the previous revision again; nothing of the new one remains. */
  ROLLED_BACK,
  /** Neither: the rollout gave up with a reason; no instance was left without an owner. */
  FAILED;

  /** @return true for the three phases a rollout never leaves */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == FAILED;
  }
}
