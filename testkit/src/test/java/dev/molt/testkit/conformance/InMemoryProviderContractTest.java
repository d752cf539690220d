package dev.molt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.Provider;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The in-memory provider, router included, passes the provider contract; and the kit cleans up
 * after each test (checked in {@link #cleanUp}, which runs after the kit's own clean-up).
 */
class InMemoryProviderContractTest extends RoutedProviderContract {
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
  protected LaunchSpec otherLaunchSpec() {
    return SimulatedPlatform.spec("contract-b");
  }

  /** The in-memory provider places a launch in whatever zone it asks for. */
  @Override
  protected java.util.List<String> placementZones() {
    return java.util.List.of("zone-a", "zone-b", "zone-c");
  }

  @Override
  protected boolean await(BooleanSupplier condition, Duration deadline) {
    java.time.Instant end = time.now().plus(deadline);
    while (!condition.getAsBoolean() && time.now().isBefore(end)) {
      time.advance(Duration.ofSeconds(1)); // probes need time to pass even with no task queued
    }
    return condition.getAsBoolean();
  }

  @Override
  protected Clock clock() {
    return time.clock();
  }

  @Override
  protected Scheduler scheduler() {
    return time;
  }

  @Override
  protected void failHealth(String fleet, Instance instance) {
    platform.failHealth(instance.id());
  }

  @Override
  protected void restoreHealth(String fleet, Instance instance) {
    platform.restoreHealth(instance.id());
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

  @Override
  protected void removeForeignInstance(String instanceId) {
    platform.lose(instanceId);
  }

  /** Fails if the kit left an owned instance or a split behind in a fleet the test used. */
  @Override
  protected void cleanUp(Provider tested) {
    assertThat(fleetsUsed()).isNotEmpty().allSatisfy(fleet -> {
      assertThat(platform.instances(fleet)).as("owned instances left in %s", fleet)
          .noneMatch(i -> OwnerLabels.isOwned(i.labels(), fleet));
      assertThat(platform.router().orElseThrow().weights(fleet)).as("split left in %s", fleet)
          .isEmpty();
    });
  }
}
