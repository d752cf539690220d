package dev.molt.rollout;

/** What a rollout does when its new revision fails (health deadline, replacement budget, progress deadline). */
public enum FailurePolicy {
  /** Return the fleet to the previous revision (the default). */
  ROLL_BACK,
  /** Stop where it is, terminate failed instances, and wait for resume or abort. */
  PAUSE,
  /**
   * End {@code FAILED} where it is, without rolling back: every instance stays owned and
   * observable, so the next run (a reconcile, a rollout) continues from there. An abort ends the
   * same way. Reconciliation uses it, because "back" is not a place it can go.
   */
  STOP
}
