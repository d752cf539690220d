package dev.molt.testkit.invariants;

import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import java.util.Map;

/**
 * Shows the {@link InvariantChecker} every split an engine sets, at the moment it sets it, and
 * counts every router call.
 */
final class CheckingRouter implements TrafficRouter {
  private final TrafficRouter delegate;
  private final InvariantChecker checker;

  CheckingRouter(TrafficRouter delegate, InvariantChecker checker) {
    this.delegate = delegate;
    this.checker = checker;
  }

  @Override
  public void setWeights(String fleet, Map<Revision, Integer> weights) {
    checker.call(fleet, "set-weights");
    checker.beforeSetWeights(weights);
    try {
      delegate.setWeights(fleet, weights);
    } catch (RuntimeException refused) {
      checker.setWeightsRefused();
      throw refused;
    }
    checker.afterSetWeights(weights);
  }

  @Override
  public Map<Revision, Integer> weights(String fleet) {
    checker.call(fleet, "weights");
    return delegate.weights(fleet);
  }
}
