package dev.molt.benchmarks;

import dev.molt.Instance;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import java.util.List;
import java.util.Map;

/**
 * A provider that cannot tell the engine about changes: every call goes to the wrapped provider
 * except {@link #watch}, which keeps the SPI's default (never calls back). The engine then learns
 * of a ready instance or a finished drain only at its next poll, as with a platform that has no
 * change notifications.
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
}
