package dev.molt.spi;

import dev.molt.ProviderException;
import dev.molt.Revision;
import java.util.Map;

/**
 * Splits a fleet's traffic between revisions: HAProxy server weights, a Kubernetes HTTPRoute, ELBv2
 * weighted target groups. Optional: a {@link Provider} without one makes canary weights
 * approximate (by replica ratio) and blue-green switches happen when the old revision is drained.
 *
 * <p>One {@link #setWeights} call is one atomic switch: the platform applies the whole split or
 * none of it. Taking single instances out of traffic stays {@link Provider#drain}, since platforms
 * whose router is the load balancer implement drain through it anyway. Implementations must be
 * thread-safe and throw only unchecked exceptions ({@link ProviderException}).
 */
public interface TrafficRouter {

  /**
   * Routes the fleet's traffic by these weights, atomically.
   *
   * @param fleet the fleet name
   * @param weights percent of traffic per revision, each 0..100, summing to 100; a revision not
   *     named gets none. Empty clears the split: every serving instance shares traffic evenly,
   *     whatever its revision (what rolling updates use)
   * @throws ProviderException if the platform refused or failed
   */
  void setWeights(String fleet, Map<Revision, Integer> weights);

  /**
   * Reads the split in force.
   *
   * @param fleet the fleet name
   * @return percent per revision; empty when the router has never been told (all traffic goes to
   *     whatever serves)
   */
  Map<Revision, Integer> weights(String fleet);

  /**
   * Refuses a split that is not whole, before any platform call: every router checks its input
   * with this, so all of them refuse the same splits with the same words.
   *
   * @param fleet the fleet name, for the error
   * @param weights percent per revision: each 0..100, summing to 100; or empty (no split)
   * @throws ProviderException non-retryable ({@code set-weights}), naming the bad weight
   *     or the sum, and saying that the split in force is unchanged
   */
  static void checkSplit(String fleet, Map<Revision, Integer> weights) {
    int sum = 0;
    for (Map.Entry<Revision, Integer> e : weights.entrySet()) {
      int w = e.getValue();
      if (w < 0 || w > 100) {
        throw refusedSplit(fleet, "weight of " + e.getKey() + " must be in 0..100, was " + w
            + " in " + weights);
      }
      sum += w;
    }
    if (sum != 100 && !weights.isEmpty()) {
      throw refusedSplit(fleet, "weights must sum to 100, got " + sum + " in " + weights);
    }
  }

  private static ProviderException refusedSplit(String fleet, String why) {
    return new ProviderException("set-weights", "fleet " + fleet, false,
        why + "; the split in force is unchanged");
  }
}
