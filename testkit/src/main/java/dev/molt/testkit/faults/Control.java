package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.Random;

/**
 * One thing a {@link Person} does to a running rollout, and when: right after {@code start()}
 * (before the engine's first tick, while PENDING), after the {@code n}-th event, or at a virtual
 * time after the start.
 *
 * @param kind which control
 * @param when which moment
 * @param afterEvents for {@link When#AFTER_EVENT}: the event count, from 1
 * @param at for {@link When#AT_TIME}: how long after the start
 */
public record Control(Kind kind, When when, int afterEvents, Duration at) {

  /** The controls of {@link dev.molt.engine.RolloutHandle}. */
  public enum Kind {
    /** {@code pause()}; a person always resumes later. */
    PAUSE,
    /** {@code resume()}. */
    RESUME,
    /** {@code abort(reason)}. */
    ABORT,
    /** {@code promote()}. */
    PROMOTE,
    /** {@code undo()}: after SUCCEEDED a new run. */
    UNDO,
    /** {@code retry()}: after FAILED or ROLLED_BACK a new run. */
    RETRY
  }

  /** Which moment a control is issued at. */
  public enum When {
    /** Right after {@code start()}, before the first tick. */
    AT_START,
    /** Right after the {@code afterEvents}-th event. */
    AFTER_EVENT,
    /** At {@code at} after the start, in virtual time. */
    AT_TIME
  }

  /** Validates the fields. */
  public Control {
    if (kind == null || when == null || at == null || at.isNegative() || afterEvents < 0) {
      throw new InvalidSpecException("control", "needs a kind, a moment, afterEvents >= 0 and a"
          + " non-negative time");
    }
  }

  /**
   * Draws one control at a random moment within the first {@code within} of a run.
   *
   * @param random the schedule's seeded source
   * @param within the latest time a control is issued at
   * @return the control
   */
  public static Control draw(Random random, Duration within) {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    When when = When.values()[random.nextInt(When.values().length)];
    return new Control(kind, when, 1 + random.nextInt(30),
        Duration.ofSeconds(random.nextInt((int) Math.max(1, within.toSeconds()))));
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "@" + switch (when) {
      case AT_START -> "start";
      case AFTER_EVENT -> "event" + afterEvents;
      case AT_TIME -> at.toString();
    };
  }
}
