package dev.molt.rollout;

import dev.molt.MoltException;

/**
 * A control (pause, resume, abort, promote...) was asked of a rollout in a phase where it has no
 * meaning, for example resuming a rollout that already succeeded. The message names the phase and
 * the controls that are valid in it.
 */
public final class IllegalControlException extends MoltException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which control, in which phase, and what is valid instead
   */
  public IllegalControlException(String message) {
    super(message);
  }
}
