package dev.molt.testkit.invariants;

import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import java.util.Map;

/** Shows the {@link InvariantChecker} every split an engine sets, at the moment it sets it. */
final class CheckingRouter implements TrafficRouter {
  private final TrafficRouter delegate;
  private final InvariantChecker checker;

  CheckingRouter(TrafficRouter delegate, InvariantChecker checker) {
    this.delegate = delegate;
    this.checker = checker;
  }

  @Override
  public void setWeights(String fleet, Map<Revision, Integer> weights) {
    checker.beforeSetWeights(weights);
    delegate.setWeights(fleet, weights);
  }

  @Override
  public Map<Revision, Integer> weights(String fleet) {
    return delegate.weights(fleet);
  }
}
