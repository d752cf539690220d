package dev.molt.cli;

/**
 * The exit status of every {@code molt} command, one per outcome, so that scripts can tell a
 * rollback from bad input. Documented in docs/cli.md; the numbers never change meaning.
 */
public enum ExitCode {
  /** The command did what it was asked: a rollout SUCCEEDED, a plan was printed, a control applied. */
  OK(0),
  /** The rollout ended FAILED: it gave up with a reason (see the last line). */
  FAILED(1),
  /** Bad input: an unknown option or command, a bad value, an invalid rollout file. Nothing ran. */
  BAD_INPUT(2),
  /** The rollout ended ROLLED_BACK: the previous revision serves again. */
  ROLLED_BACK(3),
  /** The platform or the store could not be used (unreachable, refused, not configured). */
  UNAVAILABLE(4),
  /** Another engine holds the fleet (its lease), or this engine already runs it. */
  BUSY(5),
  /** No rollout of that fleet (or id) is in the store. */
  NOT_FOUND(6),
  /** The engine driving the rollout refused the control (the reason is printed). */
  REFUSED(7),
  /** No engine answered the control in time: it waits in the store until one drives the rollout. */
  NO_ANSWER(8),
  /** The run stopped before the rollout ended (its engine lost the fleet's lease, or was interrupted). */
  INTERRUPTED(9);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** @return the process exit status */
  public int code() {
    return code;
  }
}
