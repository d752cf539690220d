package dev.molt.testkit.invariants;

import dev.molt.Instance;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import dev.molt.time.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sits between an engine and its platform and shows the {@link InvariantChecker} every call at the
 * moment it happens: what the engine was told (health verdicts) and what it did (drain,
 * terminate), against the platform's ground truth at that instant.
 */
final class CheckingProvider implements Provider {
  private final Provider delegate;
  private final InvariantChecker checker;

  CheckingProvider(Provider delegate, InvariantChecker checker) {
    this.delegate = delegate;
    this.checker = checker;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    return delegate.launch(request);
  }

  @Override
  public List<Instance> observe(String fleet) {
    List<Instance> seen = delegate.observe(fleet);
    checker.observed(seen);
    return seen;
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    Map<String, Health> verdicts = delegate.health(fleet, instances);
    checker.verdicts(verdicts);
    return verdicts;
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    checker.beforeDrain(instances);
    delegate.drain(fleet, instances);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    checker.beforeTerminate(instances);
    delegate.terminate(fleet, instances);
  }

  @Override
  public Optional<TrafficRouter> router() {
    return delegate.router().map(r -> new CheckingRouter(r, checker));
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return delegate.watch(fleet, onChange);
  }
}
