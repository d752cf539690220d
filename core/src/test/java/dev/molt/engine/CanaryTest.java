package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.Verdict;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.WeightChange;
import dev.molt.strategy.Canary;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanaryTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();

  static Canary canary(Gate gate) {
    return Canary.of(setWeight(10), pause(Duration.ofMinutes(10)), analyze(Analysis.of(gate)),
        setWeight(50), pause(Duration.ofMinutes(10)), setWeight(100));
  }

  static List<Map<Revision, Integer>> weights(InMemoryProvider platform) {
    return platform.weightHistory(Fixtures.FLEET).stream().map(WeightChange::weights).toList();
  }

  @Test
  void recordsExactlyTheStepWeightsInOrderAndSucceeds() {
    Fixtures f = new Fixtures();
    f.deployV1(10);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new HealthyShare(1.0))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(weights(f.platform)).containsExactly(Map.of(V1, 90, V2, 10),
        Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(10);
    assertThat(f.count(Fixtures.V1)).isZero();
    assertThat(done.elapsed()).isGreaterThanOrEqualTo(Duration.ofMinutes(20));
    assertThat(done.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .containsExactly("traffic: " + V1.id() + "=90% " + V2.id() + "=10%",
            "traffic: " + V1.id() + "=50% " + V2.id() + "=50%",
            "traffic: " + V1.id() + "=0% " + V2.id() + "=100%");
  }

  @Test
  void theCanaryCarriesItsWeightBeforeTrafficMoves() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new HealthyShare(1.0))).build());

    f.time.runUntil(() -> weights(f.platform).size() == 1, f.time.now().plus(Duration.ofHours(1)));

    assertThat(f.healthy(Fixtures.V2)).isEqualTo(1); // ceil(10% of 10)
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(10);
    handle.await();
  }

  @Test
  void aFailingGateAbortsWithOneRouterCallAndLeavesNoCanary() {
    Fixtures f = new Fixtures();
    f.deployV1(10);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(Gate.constant(Verdict.FAIL))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("verdict=FAIL"));
    assertThat(weights(f.platform)).containsExactly(Map.of(V1, 90, V2, 10), Map.of(V1, 100));
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(10);
  }

  @Test
  void aRollingUpdateAfterACanaryClearsTheLeftOverSplit() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(setWeight(50))).build());
    assertThat(f.platform.router().orElseThrow().weights(Fixtures.FLEET))
        .isEqualTo(Map.of(V1, 0, V2, 100));

    Rollout rolling = f.engine.run(Fixtures.rollout(Fixtures.spec("3", "v3"), 4).build());

    assertThat(rolling.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.platform.router().orElseThrow().weights(Fixtures.FLEET)).isEmpty();
    assertThat(rolling.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .containsExactly("traffic: even across serving instances");
  }

  @Test
  void withoutARouterTheReplicaRatioApproximatesTheWeightAndIsReported() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).withoutRouter().build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(3)
        .pollInterval(Duration.ofSeconds(5)).build();
    engine.run(Fixtures.rollout(Fixtures.V1, 10).build());

    Rollout done = engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(Canary.of(setWeight(50), pause(Duration.ofMinutes(5)))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<String> traffic = done.events(RolloutEvent.Type.TRAFFIC_SHIFTED).stream()
        .map(RolloutEvent::message).toList();
    // 10 canary beside 10 stable: 50% by replica ratio, then the rolling promotion, then 100%
    assertThat(traffic.get(0)).isEqualTo("traffic: " + V1.id() + "=50% " + V2.id()
        + "=50% (effective, replica ratio)");
    assertThat(traffic.get(traffic.size() - 1)).startsWith("traffic: " + V1.id() + "=0% "
        + V2.id() + "=100%");
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(10)
        .allMatch(i -> i.revision().equals(V2) && i.isHealthy());
  }

  @Test
  void aCanaryThatNeverGetsHealthyRollsBack() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(V2, dev.molt.inmemory.InstanceBehavior.defaults().neverHealthy());

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(canary(new HealthyShare(1.0))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("not healthy"));
    assertThat(weights(f.platform)).isEmpty(); // traffic never moved
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void badStepsAreRefusedNamingTheField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> setWeight(150))
        .isInstanceOf(dev.molt.InvalidSpecException.class).hasMessageStartingWith("setWeight: ");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pause(Duration.ZERO))
        .isInstanceOf(dev.molt.InvalidSpecException.class).hasMessageContaining("duration");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fixtures.rollout(Fixtures.V2, 1)
        .strategy(dev.molt.strategy.BlueGreen.defaults().withPreviewSize(
            dev.molt.strategy.Amount.of(0))).build())
        .isInstanceOf(dev.molt.InvalidSpecException.class)
        .hasMessageContaining("strategy.previewSize");
  }

  @Test
  void aRouterThatFailsTransientlyIsRetriedAndTheWeightsStayExact() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    f.platform.failNext("set-weights", 2, true);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new HealthyShare(1.0))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.platform.callCount("set-weights")).isEqualTo(5); // 2 failed + 3 applied
    assertThat(weights(f.platform)).containsExactly(Map.of(V1, 90, V2, 10),
        Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
  }
}
