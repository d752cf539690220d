package dev.molt.rollout;

import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.Durations;
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
 * @param step progress, 0..{@code totalSteps}, numbered as {@link
 *     dev.molt.engine.RolloutPlan.Step#index()} numbers a plan's steps: for a step-wise strategy
 *     (blue-green, canary) the index of the strategy step in progress, which is also how many are
 *     done; for a rolling update the new instances ready. It keeps that meaning for the whole run:
 *     a rollback leaves it where the forward run stopped (its own progress is in the events)
 * @param totalSteps the number of steps (for rolling: the desired capacity); {@code step} equals
 *     it once the rollout succeeded
 * @param replacements how many failed new instances were replaced so far
 * @param history what happened, oldest first
 * @param reason why it paused, aborted or failed
 * @param waiting what it waits for right now (a pause, a person, a timed step), typed
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
    Optional<Wait> waiting,
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
    Arguments.optional(waiting, "waiting");
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

  /**
   * One line for people, such as {@code ro-1a2b3c web canary r-aa->r-bb PAUSED step 1/7 (waiting
   * UNTIMED_PAUSE: canary step 1: pause) after 30s}.
   *
   * @return the summary
   */
  public String summary() {
    StringBuilder out = new StringBuilder(id).append(' ').append(fleet).append(' ')
        .append(strategy).append(' ').append(from.map(r -> r + "->").orElse("->")).append(to)
        .append(' ').append(phase).append(' ')
        .append(strategy.equals("rolling") ? "ready " : "step ").append(step).append('/')
        .append(totalSteps);
    waiting.ifPresentOrElse(w -> out.append(" (waiting ").append(w.describe(updatedAt))
        .append(')'), () -> reason.ifPresent(r -> out.append(" (").append(r).append(')')));
    if (replacements > 0) {
      out.append(", ").append(replacements).append(" replaced");
    }
    return out.append(" after ").append(Durations.text(elapsed())).toString();
  }

  /** @return {@link #summary()}: the history is in {@link #history()} */
  @Override
  public String toString() {
    return summary();
  }
}
