package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the observer dates a healthy streak: a provider's report is believed unless the observer
 * itself saw the instance not healthy at or after it; without a report it counts from its own
 * first healthy sighting; anything not healthy ends the streak.
 */
class FleetObserverTest {
  private static final String ID = "web-1";
  private final VirtualTime time = VirtualTime.create();
  private final Instant t0 = time.now();
  private final Scripted platform = new Scripted();
  private final FleetObserver observer = new FleetObserver(platform,
      new ProviderCalls(time, RetrySettings.none(), new Random(1)), time.clock());

  @Test
  void aReportedStreakStartIsBelieved() {
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.of(t0.minusSeconds(40)));

    assertThat(observeAt(0).healthySince()).contains(t0.minusSeconds(40));
  }

  @Test
  void aReportedStartNotAfterAnUnhealthySightingIsStaleAndTheStreakStartsWhenSeenHealthy() {
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.of(t0));
    assertThat(observeAt(0).healthySince()).contains(t0);
    platform.next(InstanceState.RUNNING, Health.UNHEALTHY, Optional.empty());
    assertThat(observeAt(5).state()).isEqualTo(InstanceState.UNHEALTHY);

    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.of(t0)); // its first healthy moment
    assertThat(observeAt(10).healthySince()).as("seen unhealthy at 5 s").contains(at(10));
    assertThat(observeAt(20).healthySince()).as("kept while healthy").contains(at(10));
  }

  @Test
  void aReportedStartAfterTheUnhealthySightingIsBelieved() {
    platform.next(InstanceState.RUNNING, Health.UNHEALTHY, Optional.empty());
    observeAt(5);
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.of(at(7)));

    assertThat(observeAt(10).healthySince()).contains(at(7));
  }

  @ParameterizedTest
  @EnumSource(value = Health.class, names = {"UNHEALTHY", "UNKNOWN"})
  void withoutReportsTheStreakCountsFromTheFirstHealthySightingAndAnythingElseEndsIt(
      Health interruption) {
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.empty());
    assertThat(observeAt(2).healthySince()).contains(at(2));
    assertThat(observeAt(7).healthySince()).contains(at(2));
    platform.next(InstanceState.RUNNING, interruption, Optional.empty());
    assertThat(observeAt(12).healthySince()).isEmpty();
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.empty());

    assertThat(observeAt(14).healthySince()).contains(at(14));
  }

  @Test
  void aStateThatIsNotJudgedEndsTheStreakToo() {
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.empty());
    observeAt(0);
    platform.next(InstanceState.LAUNCHING, Health.HEALTHY, Optional.empty()); // e.g. restarting
    assertThat(observeAt(5).healthySince()).isEmpty();
    platform.next(InstanceState.RUNNING, Health.HEALTHY, Optional.of(t0));

    assertThat(observeAt(10).healthySince()).contains(at(10));
  }

  /** Observes {@code seconds} after the start. */
  private Instance observeAt(int seconds) {
    time.advance(Duration.between(time.now(), at(seconds)));
    List<Instance> seen = time.await(observer.observe(Fixtures.FLEET, 1)).instances();
    assertThat(seen).hasSize(1);
    return seen.get(0);
  }

  private Instant at(int seconds) {
    return t0.plusSeconds(seconds);
  }

  /** One owned instance whose state, verdict and reported streak start the test sets. */
  private final class Scripted implements Provider {
    private volatile Instance instance;
    private volatile Health verdict = Health.UNKNOWN;

    void next(InstanceState state, Health health, Optional<Instant> healthySince) {
      instance = new Instance(ID, Fixtures.FLEET, Fixtures.V1.revision(), Optional.empty(),
          state, t0, t0, healthySince, OwnerLabels.of(Fixtures.FLEET, Fixtures.V1.revision(),
              "ro-1"));
      verdict = health;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public List<Instance> launch(LaunchRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Instance> observe(String fleet) {
      return List.of(instance);
    }

    @Override
    public Map<String, Health> health(String fleet, List<Instance> instances) {
      return Map.of(ID, verdict);
    }

    @Override
    public void drain(String fleet, List<Instance> instances) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void terminate(String fleet, List<Instance> instances) {
      throw new UnsupportedOperationException();
    }
  }
}
