package dev.molt.testkit.invariants;

import dev.molt.Instance;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sits between an engine and its platform and shows the {@link InvariantChecker} every call at the
 * moment it happens: what the engine was told (health verdicts) and what it did (drain,
 * terminate), against the platform's ground truth at that instant; and counts every call per
 * fleet and instant.
 */
final class CheckingProvider extends ForwardingProvider {
  private final InvariantChecker checker;

  CheckingProvider(Provider delegate, InvariantChecker checker) {
    super(delegate);
    this.checker = checker;
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    checker.call(request.fleet(), "launch");
    List<Instance> launched = delegate().launch(request);
    checker.launched(request.holdTraffic(), launched);
    return launched;
  }

  @Override
  public List<Instance> observe(String fleet) {
    checker.call(fleet, "observe");
    List<Instance> seen = delegate().observe(fleet);
    checker.observed(seen);
    return seen;
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    checker.call(fleet, "health");
    Map<String, Health> verdicts = delegate().health(fleet, instances);
    checker.verdicts(verdicts);
    return verdicts;
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    checker.call(fleet, "drain");
    checker.beforeDrain(instances);
    delegate().drain(fleet, instances);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    checker.call(fleet, "terminate");
    checker.beforeTerminate(instances);
    delegate().terminate(fleet, instances);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    checker.call(fleet, "taint");
    delegate().taint(fleet, instance, reason);
  }

  @Override
  public Optional<TrafficRouter> router() {
    return delegate().router().map(r -> new CheckingRouter(r, checker));
  }
}
