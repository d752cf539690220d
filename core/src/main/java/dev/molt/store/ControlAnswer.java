package dev.molt.store;

import dev.molt.Arguments;
import java.time.Instant;

/**
 * The answer of the engine holding a fleet to a {@link ControlRequest}, kept in the rollout's
 * {@link RolloutRecord}: first {@link Outcome#TAKEN} (saved before the control is applied, so no
 * engine ever applies it again), then {@link Outcome#APPLIED} or {@link Outcome#REFUSED}. A request
 * left {@code TAKEN} by an engine that stopped meanwhile was applied or not; the rollout's
 * history says which.
 *
 * @param requestId the request answered
 * @param outcome how far it got
 * @param message what happened: the refusal's reason, for example
 * @param answeredBy the identity of the engine that answered
 * @param answeredAt when, by that engine's clock
 */
public record ControlAnswer(String requestId, Outcome outcome, String message, String answeredBy,
    Instant answeredAt) {

  /** How far a request got. */
  public enum Outcome {
    /** An engine took the request and is applying it (or stopped while it did). */
    TAKEN,
    /** The control was applied. */
    APPLIED,
    /** The control was not valid in the rollout's phase; the message says what is. */
    REFUSED
  }

  /** Validates the fields. */
  public ControlAnswer {
    Arguments.notBlank(requestId, "requestId");
    Arguments.required(outcome, "outcome");
    Arguments.required(message, "message");
    Arguments.notBlank(answeredBy, "answeredBy");
    Arguments.required(answeredAt, "answeredAt");
  }
}
