package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ProviderException;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Refusals: every call of a refused kind inside the window, non-retryable; others untouched. */
class RefusalsTest {
  private final SimulatedPlatform sim = SimulatedPlatform.create(13);

  @Test
  void everyDrainInTheWindowIsRefusedForGoodThenTheyStop() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    FaultInjector injector = sim.inject(FaultPlan.none().withRefusals(new Refusals(
        Set.of("drain", "set-weights"), 0, Duration.ofSeconds(10), Duration.ofSeconds(30))));
    var one = List.of(sim.provider().observe("web").get(0));

    sim.provider().drain("web", List.of()); // before the window: done
    sim.time().advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> sim.provider().drain("web", one))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("injected fault: refused drain");
    assertThatThrownBy(() -> sim.provider().router().orElseThrow().setWeights("web",
        java.util.Map.of(one.get(0).revision(), 100)))
        .hasMessageContaining("refused set-weights");
    sim.provider().observe("web"); // not a refused kind
    sim.time().advance(Duration.ofSeconds(30));
    sim.provider().drain("web", one);

    assertThat(injector.injected()).containsEntry("refuse-drain", 1)
        .containsEntry("refuse-set-weights", 1);
  }
}
