package dev.molt.testkit.faults;

import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import dev.molt.time.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One engine's provider over many fleets, each checked by its own invariant checker: every call
 * (and every split) goes to the provider given for its fleet (the checker's {@code wrap} of the
 * platform), so that a checker sees its own fleet's calls only; other fleets go to the platform.
 */
final class FleetDispatch extends ForwardingProvider {
  private final Map<String, Provider> byFleet;

  FleetDispatch(Provider platform, Map<String, Provider> byFleet) {
    super(platform);
    this.byFleet = Map.copyOf(byFleet);
  }

  private Provider of(String fleet) {
    return byFleet.getOrDefault(fleet, delegate());
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    return of(request.fleet()).launch(request);
  }

  @Override
  public List<Instance> observe(String fleet) {
    return of(fleet).observe(fleet);
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    return of(fleet).health(fleet, instances);
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    of(fleet).drain(fleet, instances);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    of(fleet).terminate(fleet, instances);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    of(fleet).taint(fleet, instance, reason);
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return of(fleet).watch(fleet, onChange);
  }

  @Override
  public Optional<TrafficRouter> router() {
    return delegate().router().map(platform -> new Router());
  }

  /** The platform's router, reached through each fleet's own provider. */
  private final class Router implements TrafficRouter {
    @Override
    public void setWeights(String fleet, Map<Revision, Integer> weights) {
      of(fleet).router().orElseThrow().setWeights(fleet, weights);
    }

    @Override
    public Map<Revision, Integer> weights(String fleet) {
      return of(fleet).router().orElseThrow().weights(fleet);
    }
  }
}
