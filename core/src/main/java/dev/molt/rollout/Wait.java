package dev.molt.rollout;

import dev.molt.Arguments;
import dev.molt.Durations;
import java.time.Instant;
import java.util.Optional;

/**
 * What a rollout waits for, typed, so that a program (or a person) can tell a pause somebody asked
 * for from a timed pause step or an analysis that could not decide. {@link Rollout#waiting()} has
 * one while the rollout waits and none while it moves.
 *
 * @param reason the kind of wait
 * @param detail a readable description, such as {@code canary step 1: pause 10m00s}
 * @param until when the wait ends by itself, for the timed kinds
 */
public record Wait(Reason reason, String detail, Optional<Instant> until) {

  /** Validates the fields. */
  public Wait {
    Arguments.required(reason, "reason");
    Arguments.notBlank(detail, "detail");
    Arguments.optional(until, "until");
  }

  /** The kinds of waits. */
  public enum Reason {
    /** {@code pause()} was called: {@code resume()} goes on. */
    PAUSED_BY_PERSON,
    /** The rollout failed under {@link FailurePolicy#PAUSE}: resume, undo or abort. */
    PAUSED_AFTER_FAILURE,
    /** A timed pause step or delay (canary pause with a duration, blue-green delays). */
    TIMED_PAUSE,
    /** A canary pause step without a duration: {@code resume()} or {@code promote()} goes on. */
    UNTIMED_PAUSE,
    /** Blue-green with manual promotion: green is ready and waits for {@code promote()}. */
    AWAITING_PROMOTION,
    /** An analysis was inconclusive: {@code resume()} accepts it, {@code abort()} rolls back. */
    INCONCLUSIVE_ANALYSIS,
    /**
     * Outside the rollout's {@link DeploymentWindows}, or in a freeze: nothing changes until
     * {@link Wait#until()}, when the next window opens; ends by itself. {@code resume()} does not
     * override it; {@code abort()} rolls back at once.
     */
    OUTSIDE_WINDOW;

    /** @return whether only a person (a control call) ends this wait */
    public boolean needsPerson() {
      return this != TIMED_PAUSE && this != OUTSIDE_WINDOW;
    }
  }

  /** @return {@code REASON: detail}, with the end for timed waits */
  @Override
  public String toString() {
    return reason + ": " + detail + until.map(u -> " (until " + u + ")").orElse("");
  }

  /**
   * @param now the moment to measure from
   * @return a short text for people: the reason, the detail and how long is left
   */
  public String describe(Instant now) {
    return reason + ": " + detail + until.filter(now::isBefore)
        .map(u -> " (" + Durations.text(java.time.Duration.between(now, u)) + " left)")
        .orElse("");
  }
}
