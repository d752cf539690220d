package dev.molt.decide;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a planner decided from one observation. Not API.
 *
 * @param actions what to do now, in order
 * @param wakeAt when something is known to fall due (a ready time, a deadline), if anything
 * @param status whether to go on, stop because the goal is reached, or fail
 * @param reason why it failed, for {@link Status#FAILED}
 * @param step progress made
 * @param totalSteps progress possible
 * @param progressKey changes whenever the fleet moved toward the goal (for the progress deadline)
 */
public record Decision(
    List<Action> actions,
    Optional<Instant> wakeAt,
    Status status,
    Optional<String> reason,
    int step,
    int totalSteps,
    String progressKey) {

  /** Whether the rollout goes on. */
  public enum Status {
    /** Keep observing. */
    CONTINUE,
    /** The goal is reached. */
    DONE,
    /** The goal cannot be reached. */
    FAILED
  }

  /** @return this decision, waking at {@code at} if that is earlier than its own wake-up */
  public Decision wakeNoLaterThan(Instant at) {
    if (wakeAt.isPresent() && !wakeAt.get().isAfter(at)) {
      return this;
    }
    return new Decision(actions, Optional.of(at), status, reason, step, totalSteps, progressKey);
  }
}
