package dev.molt.testkit.invariants;

import java.util.Map;

/**
 * Reads the traffic weights a platform's router gives each instance, so that the {@link
 * InvariantChecker} can verify that no weight rests on an instance that is not healthy. Platforms
 * without a traffic router use {@link #NONE}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TrafficProbe {

  /** No router: no weights to check. */
  TrafficProbe NONE = fleet -> Map.of();

  /**
   * Reads the weights now.
   *
   * @param fleet the fleet name
   * @return weight per instance id; instances without weight may be absent
   */
  Map<String, Integer> weights(String fleet);
}
