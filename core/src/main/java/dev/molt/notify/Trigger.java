package dev.molt.notify;

import dev.molt.rollout.RolloutEvent;
import java.util.Optional;

/** The events a {@link WebhookNotifier} can be told to send, and their payload {@code kind}. */
public enum Trigger {
  /** The rollout succeeded: {@code rollout.completed}. */
  COMPLETED("rollout.completed"),
  /** An abort or a failure started a rollback: {@code rollout.aborted}. */
  ABORTED("rollout.aborted"),
  /** The fleet runs the previous revision again: {@code rollout.rolled-back}. */
  ROLLED_BACK("rollout.rolled-back"),
  /** The rollout gave up: {@code rollout.failed}. */
  FAILED("rollout.failed"),
  /** The rollout paused, or waits for a person: {@code rollout.waiting}. */
  WAITING("rollout.waiting"),
  /** An analysis failed or errored: {@code analysis.failed}. */
  ANALYSIS_FAILED("analysis.failed"),
  /** An analysis was inconclusive or had too little data: {@code analysis.inconclusive}. */
  ANALYSIS_INCONCLUSIVE("analysis.inconclusive"),
  /** A strategy step ended: {@code step.completed}. */
  STEP_COMPLETED("step.completed");

  private final String kind;

  Trigger(String kind) {
    this.kind = kind;
  }

  /** @return the payload's {@code kind}, such as {@code rollout.completed} */
  public String kind() {
    return kind;
  }

  /**
   * @param event an event
   * @return the trigger the event fires, if any
   */
  public static Optional<Trigger> of(RolloutEvent event) {
    String m = event.message();
    return Optional.ofNullable(switch (event.type()) {
      case SUCCEEDED -> COMPLETED;
      case ABORTING -> ABORTED;
      case ROLLED_BACK -> ROLLED_BACK;
      case FAILED -> FAILED;
      case PAUSED -> WAITING;
      case ANALYZED -> m.contains("verdict=FAIL ") || m.contains("verdict=ERROR ") ? ANALYSIS_FAILED
          : m.contains("verdict=INCONCLUSIVE ") || m.contains("verdict=INSUFFICIENT_DATA ")
          ? ANALYSIS_INCONCLUSIVE : null;
      case STEP -> m.contains(" done=") ? STEP_COMPLETED : null;
      default -> null;
    });
  }
}
