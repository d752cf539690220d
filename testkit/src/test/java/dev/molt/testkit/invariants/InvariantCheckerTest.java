package dev.molt.testkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.spi.Provider;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
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

  @Test
  void moreThan64CallsAtOneInstantAreReported() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 1);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Provider engineSide = checker.wrap(sim.provider());

    for (int n = 0; n < 64; n++) {
      engineSide.observe("web");
    }
    assertThat(checker.violations()).isEmpty();
    engineSide.observe("web");

    assertThat(checker.violations()).singleElement().asString()
        .contains("more than 64 platform calls for fleet web", "observe");
  }

  @Test
  void weightLeftOnARevisionWithNoHealthyInstanceIsReportedOnceItsBoundPassed() {
    Dark dark = v1WeightedAndDark(); // v2 still has a healthy instance
    Instance v1 = dark.v1();
    InvariantChecker checker = dark.checker();
    Provider engineSide = dark.engineSide();
    sim.time().advance(Duration.ofSeconds(1));
    engineSide.observe("web"); // the checker samples once per instant: it sees it from now

    sim.time().advance(Duration.ofSeconds(25)); // grace 10 s + slack 10 s + poll 5 s
    engineSide.observe("web");
    assertThat(checker.violations()).isEmpty();
    sim.time().advance(Duration.ofSeconds(1));
    engineSide.observe("web");

    assertThat(checker.violations()).singleElement().asString()
        .contains("traffic does not follow health", "100% stayed on " + v1.revision(), "PT26S");
  }

  @Test
  void aRefusedSplitRestartsTheClockTheEngineCannotMoveWhatTheRouterWillNot() {
    Dark dark = v1WeightedAndDark();
    Revision v2 = dark.v2();
    InvariantChecker checker = dark.checker();
    Provider engineSide = dark.engineSide();
    sim.time().advance(Duration.ofSeconds(1));
    engineSide.observe("web");
    sim.time().advance(Duration.ofSeconds(20));
    sim.provider().failNext("set-weights", 1, false);

    assertThatThrownBy(() -> engineSide.router().orElseThrow().setWeights("web",
        Map.of(v2, 100))).isInstanceOf(ProviderException.class);
    sim.time().advance(Duration.ofSeconds(20)); // 40 s dark, but only 20 s since the refusal
    engineSide.observe("web");
    assertThat(checker.violations()).isEmpty();
    sim.time().advance(Duration.ofSeconds(6));
    engineSide.observe("web");

    assertThat(checker.violations()).singleElement().asString()
        .contains("traffic does not follow health");
  }

  @Test
  void drainingInstancesThatHoldTrafficUntilASplitCostsNoServingCapacity() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 4);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Provider engineSide = checker.wrap(sim.provider());
    List<Instance> held = engineSide.launch(new dev.molt.spi.LaunchRequest("web",
        SimulatedPlatform.spec("v2"), 2, "ro-test", "ro-test-1", true));
    sim.time().advance(Duration.ofMinutes(2)); // healthy, but held out of traffic
    List<Instance> v1 = sim.provider().instances("web").stream()
        .filter(i -> !i.revision().equals(SimulatedPlatform.spec("v2").revision())).toList();
    engineSide.drain("web", v1.subList(0, 1)); // 3 of 4 serving: the floor holds

    engineSide.drain("web", held); // held ones serve nothing: still 3
    assertThat(checker.violations()).isEmpty();
    engineSide.drain("web", v1.subList(1, 2));

    assertThat(checker.violations()).singleElement().asString().contains("from 3 to 2");
  }

  @Test
  void noClockRunsWhenNoRevisionHasAHealthyInstanceToTakeTheTraffic() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    Provider engineSide = checker.wrap(sim.provider());
    Revision v1 = sim.provider().instances("web").get(0).revision();
    engineSide.router().orElseThrow().setWeights("web", Map.of(v1, 100));
    sim.provider().instances("web").forEach(i -> sim.provider().failHealth(i.id()));

    engineSide.observe("web");
    sim.time().advance(Duration.ofMinutes(10));
    engineSide.observe("web");

    assertThat(checker.violations()).isEmpty(); // the platform broke everything: nowhere to go
  }

  @Test
  void aRunThatDoesNotEndWithinItsLivenessBoundIsReportedWithTheBound() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    RolloutEngine engine = sim.engineBuilder().identity("stuck").listener(checker).build();
    RolloutHandle handle = engine.start(spec);
    sim.time().advance(Duration.ofSeconds(1));
    handle.pause(); // nobody resumes it
    sim.time().advance(Duration.ofHours(3));

    checker.checkLiveness(new Liveness(Duration.ofHours(2), "bound PT2H (test)"));

    assertThat(checker.violations()).singleElement().asString()
        .contains("liveness: run " + handle.id(), "had not ended", "bound PT2H (test)");
  }

  @Test
  void aRunThatEndsWithinItsLivenessBoundPasses() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    RolloutEngine engine = sim.engineBuilder().identity("quick").listener(checker).build();
    engine.run(spec);

    checker.checkLiveness(Liveness.of(spec, Duration.ZERO, "nothing"));

    assertThat(checker.violations()).isEmpty();
  }

  /** v1 carries all the weight and none of its instances is healthy; v2 has a healthy one. */
  private Dark v1WeightedAndDark() {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 2);
    Instance v1 = sim.provider().instances("web").get(0);
    Revision v2 = SimulatedPlatform.spec("v2").revision();
    sim.provider().adopt(List.of(new Instance("web-v2", "web", v2, v1.address(), v1.state(),
        v1.launchedAt(), v1.stateSince(), v1.healthySince(), v1.labels())));
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec, Duration.ofSeconds(5));
    Provider engineSide = checker.wrap(sim.provider());
    engineSide.router().orElseThrow().setWeights("web", Map.of(v1.revision(), 100));
    sim.provider().instances("web").stream().filter(i -> i.revision().equals(v1.revision()))
        .forEach(i -> sim.provider().failHealth(i.id()));
    return new Dark(v1, v2, checker, engineSide);
  }

  private record Dark(Instance v1, Revision v2, InvariantChecker checker, Provider engineSide) {}
}
