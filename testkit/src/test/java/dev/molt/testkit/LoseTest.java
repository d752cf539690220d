package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.Health;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InMemoryProvider#lose}: the platform loses an instance as a host crash would. */
class LoseTest {
  private final SimulatedPlatform sim = SimulatedPlatform.create(11);

  @Test
  void aLostInstanceIsFailedForGoodAndCanBeTerminated() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    InMemoryProvider platform = sim.provider();
    Instance victim = platform.observe("web").get(0);

    platform.lose(victim.id());
    sim.time().advance(Duration.ofMinutes(5));

    Instance seen = platform.observe("web").stream().filter(i -> i.id().equals(victim.id()))
        .findFirst().orElseThrow();
    assertThat(seen.state()).isEqualTo(InstanceState.FAILED);
    assertThat(seen.healthySince()).isEmpty();
    assertThat(platform.health("web", List.of(seen))).doesNotContainEntry(victim.id(),
        Health.HEALTHY);
    platform.terminate("web", List.of(seen));
    assertThat(platform.isAlive(victim.id())).isFalse();
    assertThat(platform.observe("web")).hasSize(1);
  }

  @Test
  void losingAnUnknownInstanceSaysSo() {
    assertThatThrownBy(() -> sim.provider().lose("nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no instance nope");
  }
}
