package dev.molt.testkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.ProviderException;
import dev.molt.RolloutSpec;
import dev.molt.spi.Provider;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.SimulatedPlatform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker reports what a faulty engine would do: it can fail, and says why. */
class InvariantCheckerTest {
  private final SimulatedPlatform sim = SimulatedPlatform.create(1);
  private final RolloutSpec spec = RolloutSpec.builder("web").capacity(4)
      .target(SimulatedPlatform.spec("v2"))
      .strategy(RollingUpdate.of(Amount.of(1), Amount.of(1))).build();

  @Test
  void aDrainBelowTheFloorIsReportedWithTheFleet() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 4);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Provider rogue = checker.wrap(sim.provider());
    List<Instance> live = sim.provider().instances("web");

    rogue.drain("web", live.subList(0, 1)); // 3 of 4 left: the floor (4 - 1) holds
    assertThat(checker.violations()).isEmpty();
    rogue.drain("web", live.subList(1, 2)); // 2 of 4 left: below the floor

    assertThat(checker.violations()).singleElement().asString()
        .contains("from 3 to 2", "below 3", "web-00002");
  }

  @Test
  void touchingAForeignInstanceIsReportedEvenWhenThePlatformRefuses() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    sim.provider().addForeign("intruder", "web", SimulatedPlatform.spec("v0").revision(),
        Map.of());
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Instance foreign = sim.provider().instances("web").stream()
        .filter(i -> i.id().equals("intruder")).findFirst().orElseThrow();

    assertThatThrownBy(() -> checker.wrap(sim.provider()).terminate("web", List.of(foreign)))
        .isInstanceOf(ProviderException.class);
    assertThat(checker.violations()).singleElement().asString()
        .contains("terminate of intruder, which Molt does not own");
  }

  @Test
  void terminatingAServingInstanceWithoutDrainingIsReported() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Provider engineSide = checker.wrap(sim.provider());
    List<Instance> seen = engineSide.observe("web");
    engineSide.health("web", seen); // the engine now knows they are healthy

    engineSide.terminate("web", seen.subList(0, 1));

    assertThat(checker.violations()).singleElement().asString()
        .contains("terminate of serving instance web-00001 without draining");
  }
}
