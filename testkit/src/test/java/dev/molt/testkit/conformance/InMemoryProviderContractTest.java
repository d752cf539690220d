package dev.molt.testkit.conformance;

import dev.molt.LaunchSpec;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.Provider;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The in-memory provider passes the provider contract. */
class InMemoryProviderContractTest extends ProviderContract {
  private final VirtualTime time = VirtualTime.create();
  private InMemoryProvider platform;

  @Override
  protected Provider createProvider() {
    platform = InMemoryProvider.builder(time).build();
    return platform;
  }

  @Override
  protected LaunchSpec launchSpec() {
    return SimulatedPlatform.spec("contract");
  }

  @Override
  protected boolean await(BooleanSupplier condition, Duration deadline) {
    return time.runUntil(condition, time.now().plus(deadline)) || advanceAndCheck(condition);
  }

  private boolean advanceAndCheck(BooleanSupplier condition) {
    time.advance(Duration.ofSeconds(1)); // a probe needs time to pass even with no task queued
    return condition.getAsBoolean();
  }

  @Override
  protected String createForeignInstance(String fleet) {
    String id = fleet + "-foreign";
    platform.addForeign(id, fleet, launchSpec().revision(), Map.of("team", "payments"));
    return id;
  }

  @Override
  protected boolean exists(String instanceId) {
    return platform.isAlive(instanceId);
  }
}
