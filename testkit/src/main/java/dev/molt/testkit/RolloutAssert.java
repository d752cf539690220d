package dev.molt.testkit;

import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link Rollout} snapshot. Failure messages print its history. */
public final class RolloutAssert extends AbstractAssert<RolloutAssert, Rollout> {
  private static final int HISTORY_SHOWN = 15;

  RolloutAssert(Rollout actual) {
    super(actual, RolloutAssert.class);
  }

  /**
   * Fails if the rollout is not in {@code phase}.
   *
   * @param phase the expected phase
   * @return this
   */
  public RolloutAssert hasPhase(RolloutPhase phase) {
    isNotNull();
    if (actual.phase() != phase) {
      failWithMessage("Expecting rollout %s of fleet %s to be %s, but it is %s%s%n%s",
          actual.id(), actual.fleet(), phase, actual.phase(),
          actual.reason().map(r -> " (" + r + ")").orElse(""), history(actual));
    }
    return this;
  }

  /** Fails unless the rollout ended SUCCEEDED. @return this */
  public RolloutAssert succeeded() {
    return hasPhase(RolloutPhase.SUCCEEDED);
  }

  /** Fails unless the rollout ended ROLLED_BACK. @return this */
  public RolloutAssert isRolledBack() {
    return hasPhase(RolloutPhase.ROLLED_BACK);
  }

  /**
   * Fails if the rollout has no reason, or its reason does not contain {@code text}.
   *
   * @param text part of the expected reason
   * @return this
   */
  public RolloutAssert hasReasonContaining(String text) {
    isNotNull();
    if (actual.reason().filter(r -> r.contains(text)).isEmpty()) {
      failWithMessage("Expecting rollout %s to have a reason containing \"%s\", but its reason is"
          + " %s%n%s", actual.id(), text, actual.reason().orElse("(none)"), history(actual));
    }
    return this;
  }

  /**
   * Fails if no event of {@code type} is in the rollout's history.
   *
   * @param type the event type
   * @return this
   */
  public RolloutAssert hasEvent(RolloutEvent.Type type) {
    isNotNull();
    if (actual.events(type).isEmpty()) {
      failWithMessage("Expecting rollout %s to have a %s event, but it has none%n%s", actual.id(),
          type, history(actual));
    }
    return this;
  }

  static String history(Rollout rollout) {
    List<RolloutEvent> events = rollout.history();
    int from = Math.max(0, events.size() - HISTORY_SHOWN);
    String shown = events.subList(from, events.size()).stream()
        .map(e -> "  " + e.at() + " " + e.type() + " " + e.message())
        .collect(Collectors.joining("\n"));
    return "history" + (from > 0 ? " (last " + HISTORY_SHOWN + " of " + events.size() + ")" : "")
        + ":\n" + shown;
  }
}
