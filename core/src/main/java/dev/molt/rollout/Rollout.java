package dev.molt.rollout;

import dev.molt.Revision;
import dev.molt.Arguments;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one rollout: which fleet, from which revision to which, where it is, and what
 * happened so far. Immutable; the engine publishes a new snapshot after every step.
 *
 * @param id the rollout id, unique per engine, such as {@code ro-1a2b3c}
 * @param fleet the fleet name
 * @param strategy the strategy name
 * @param from the revision the fleet ran before, if any
 * @param to the revision being rolled out
 * @param phase where the rollout is
 * @param step progress within the strategy, 0..{@code totalSteps}
 * @param totalSteps the number of steps (for rolling: desired capacity)
 * @param replacements how many failed new instances were replaced so far
 * @param history what happened, oldest first
 * @param reason why it paused, aborted or failed
 * @param startedAt when it started
 * @param updatedAt when the snapshot was taken
 */
public record Rollout(
    String id,
    String fleet,
    String strategy,
    Optional<Revision> from,
    Revision to,
    RolloutPhase phase,
    int step,
    int totalSteps,
    int replacements,
    List<RolloutEvent> history,
    Optional<String> reason,
    Instant startedAt,
    Instant updatedAt) {

  /** Validates and copies the fields. */
  public Rollout {
    Arguments.notBlank(id, "id");
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(strategy, "strategy");
    Arguments.optional(from, "from");
    Arguments.required(to, "to");
    Arguments.required(phase, "phase");
    Arguments.nonNegative(step, "step");
    Arguments.nonNegative(totalSteps, "totalSteps");
    Arguments.nonNegative(replacements, "replacements");
    history = Arguments.copyOf(history, "history");
    Arguments.optional(reason, "reason");
    Arguments.required(startedAt, "startedAt");
    Arguments.required(updatedAt, "updatedAt");
  }

  /** @return how long the rollout has run, by the engine's clock */
  public Duration elapsed() {
    return Duration.between(startedAt, updatedAt);
  }

  /** @return true once the rollout can change no more */
  public boolean isDone() {
    return phase.isTerminal();
  }

  /** @return the events of {@code type}, oldest first */
  public List<RolloutEvent> events(RolloutEvent.Type type) {
    return history.stream().filter(e -> e.type() == type).toList();
  }
}
