package dev.molt.spi;

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
 * thread-safe and throw only unchecked exceptions ({@link dev.molt.ProviderException}).
 */
public interface TrafficRouter {

  /**
   * Routes the fleet's traffic by these weights, atomically.
   *
   * @param fleet the fleet name
   * @param weights percent of traffic per revision, each 0..100, summing to 100; a revision not
   *     named gets none. Empty clears the split: every serving instance shares traffic evenly,
   *     whatever its revision (what rolling updates use)
   * @throws dev.molt.ProviderException if the platform refused or failed
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
}
