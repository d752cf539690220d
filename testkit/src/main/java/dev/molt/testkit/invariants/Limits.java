package dev.molt.testkit.invariants;

import dev.molt.InvalidSpecException;
import dev.molt.RolloutSpec;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;

/**
 * The capacity a strategy promises to keep: at least {@code floor} healthy instances serving, at
 * most {@code ceiling} instances in all (launching, serving and draining).
 *
 * @param floor the fewest serving instances the strategy may leave
 * @param ceiling the most instances the strategy may run at once
 */
public record Limits(int floor, int ceiling) {

  /**
   * The limits of a rollout's strategy at its capacity.
   *
   * <ul>
   *   <li>rolling: {@code capacity - maxUnavailable} and {@code capacity + maxSurge}.
   * </ul>
   *
   * @param spec the rollout
   * @return its limits
   * @throws InvalidSpecException naming {@code strategy} for a strategy the test kit does not know
   *     yet
   */
  public static Limits of(RolloutSpec spec) {
    Strategy strategy = spec.strategy();
    int capacity = spec.capacity();
    if (strategy instanceof RollingUpdate rolling) {
      return new Limits(capacity - rolling.unavailable(capacity),
          capacity + rolling.surge(capacity));
    }
    // blue-green and canary: add their limits here when they land
    throw new InvalidSpecException("strategy", "the test kit knows no capacity limits for strategy "
        + strategy.name() + "; add them to Limits.of");
  }
}
