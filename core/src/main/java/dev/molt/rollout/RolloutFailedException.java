package dev.molt.rollout;

import dev.molt.MoltException;

/**
 * Thrown by {@link dev.molt.engine.RolloutHandle#awaitSuccess()} when a rollout ends in any phase
 * other than {@link RolloutPhase#SUCCEEDED}. Carries the final rollout.
 */
public final class RolloutFailedException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final transient Rollout rollout;

  /**
   * Creates the exception.
   *
   * @param rollout the rollout in its final phase
   */
  public RolloutFailedException(Rollout rollout) {
    super("rollout " + rollout.id() + " of fleet " + rollout.fleet() + " ended " + rollout.phase()
        + rollout.reason().map(r -> ": " + r).orElse(""));
    this.rollout = rollout;
  }

  /** @return the rollout in its final phase */
  public Rollout rollout() {
    return rollout;
  }
}
