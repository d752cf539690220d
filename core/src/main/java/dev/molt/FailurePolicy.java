package dev.molt;

/** What a rollout does when its new revision fails (health deadline, replacement budget, progress deadline). */
public enum FailurePolicy {
  /** Return the fleet to the previous revision (the default). */
  ROLL_BACK,
  /** Stop where it is, terminate failed instances, and wait for resume or abort. */
  PAUSE
}
