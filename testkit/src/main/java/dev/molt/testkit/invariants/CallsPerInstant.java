package dev.molt.testkit.invariants;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the platform calls an engine makes for each fleet at one virtual instant: more than
 * {@link #LIMIT} means a hot loop (a retry or refusal without a back-off), which would hammer a
 * real platform. Not thread-safe: the {@link InvariantChecker} guards it.
 */
final class CallsPerInstant {
  /** The most platform calls per fleet at one instant. */
  static final int LIMIT = 64;

  private final Map<String, Instant> instant = new HashMap<>();
  private final Map<String, Integer> count = new HashMap<>();

  /**
   * Counts one call.
   *
   * @param fleet the fleet it names
   * @param operation the call's operation, for the message
   * @param now the clock's instant
   * @return a violation line the moment the limit is passed at this instant (once per instant)
   */
  Optional<String> call(String fleet, String operation, Instant now) {
    if (!now.equals(instant.get(fleet))) {
      instant.put(fleet, now);
      count.put(fleet, 0);
    }
    int n = count.merge(fleet, 1, Integer::sum);
    if (n == LIMIT + 1) {
      return Optional.of("more than " + LIMIT + " platform calls for fleet " + fleet + " at "
          + now + " (the " + n + "th was " + operation + "): a loop without back-off");
    }
    return Optional.empty();
  }
}
