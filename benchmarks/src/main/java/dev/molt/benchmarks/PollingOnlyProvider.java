package dev.molt.benchmarks;

import dev.molt.Instance;
import dev.molt.spi.ExpectedLatencies;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider that cannot tell the engine about changes: every call goes to the wrapped provider
 * (including the SPI's optional ones: {@link #router}, {@link #taint}, {@link #expectedLatencies})
 * except {@link #watch}, which keeps the SPI's default (never calls back). The engine then learns
 * of a ready instance or a finished drain only at its next poll, as with a platform that has no
 * change notifications; everything else, the traffic router above all, stays the platform's.
 */
final class PollingOnlyProvider implements Provider {
  private final Provider platform;

  PollingOnlyProvider(Provider platform) {
    this.platform = platform;
  }

  @Override
  public String name() {
    return platform.name() + "-polling-only";
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    return platform.launch(request);
  }

  @Override
  public List<Instance> observe(String fleet) {
    return platform.observe(fleet);
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    return platform.health(fleet, instances);
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    platform.drain(fleet, instances);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    platform.terminate(fleet, instances);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    platform.taint(fleet, instance, reason);
  }

  @Override
  public Optional<TrafficRouter> router() {
    return platform.router();
  }

  @Override
  public ExpectedLatencies expectedLatencies() {
    return platform.expectedLatencies();
  }
}
