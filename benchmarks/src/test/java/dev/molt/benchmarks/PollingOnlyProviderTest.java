package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.spi.LaunchRequest;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wrapper hides change notifications and nothing else. */
class PollingOnlyProviderTest {
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time)
      .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(7), Duration.ofSeconds(3)))
      .build();
  private final PollingOnlyProvider polling = new PollingOnlyProvider(platform);

  @Test
  void watchNeverCallsBackWhileThePlatformItselfDoes() {
    AtomicInteger direct = new AtomicInteger();
    AtomicInteger wrapped = new AtomicInteger();
    platform.watch(Simulation.FLEET, direct::incrementAndGet);
    polling.watch(Simulation.FLEET, wrapped::incrementAndGet);
    polling.launch(new LaunchRequest(Simulation.FLEET, Simulation.V1, 2, "r", "t-1"));
    time.advance(Duration.ofSeconds(10));
    time.runUntilIdle();
    assertThat(direct.get()).as("the platform signals launch, running, healthy").isPositive();
    assertThat(wrapped.get()).isZero();
  }

  @Test
  void theRouterIsThePlatforms() {
    assertThat(polling.router()).isPresent();
    assertThat(polling.router().get()).isSameAs(platform.router().get());
    InMemoryProvider routerless = InMemoryProvider.builder(time).withoutRouter().build();
    assertThat(new PollingOnlyProvider(routerless).router()).isEmpty();
  }

  @Test
  void taintAndExpectedLatenciesGoToThePlatform() {
    Instance i = polling.launch(new LaunchRequest(Simulation.FLEET, Simulation.V1, 1, "r",
        "t-1")).get(0);
    polling.taint(Simulation.FLEET, i, "break-glass login");
    assertThat(platform.observe(Simulation.FLEET)).singleElement()
        .satisfies(o -> assertThat(o.labels()).containsEntry(OwnerLabels.TAINTED,
            "break-glass login"));
    assertThat(polling.expectedLatencies()).isEqualTo(platform.expectedLatencies());
    assertThat(polling.expectedLatencies().launch()).isEqualTo(Duration.ofSeconds(7));
  }
}
