package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Verdict;
import dev.molt.inmemory.WeightChange;
import dev.molt.strategy.BlueGreen;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlueGreenTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();
  static final Map<Revision, Integer> PIN = Map.of(V1, 100, V2, 0);

  static List<Map<Revision, Integer>> weights(Fixtures f) {
    return f.platform.weightHistory(Fixtures.FLEET).stream().map(WeightChange::weights).toList();
  }

  @Test
  void undoAfterPromotionIsOneSwitchBackWithNoLaunch() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withScaleDownDelay(Duration.ofMinutes(30))).build());
    f.time.runUntil(() -> weights(f).size() == 2, f.time.now().plus(Duration.ofHours(1)));
    assertThat(weights(f)).containsExactly(PIN, Map.of(V1, 0, V2, 100));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4); // blue kept for the scale-down delay
    long launches = f.platform.callCount("launch");

    RolloutHandle undo = handle.undo();
    Rollout done = undo.await();

    assertThat(undo).isSameAs(handle);
    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(weights(f)).containsExactly(PIN, Map.of(V1, 0, V2, 100), Map.of(V1, 100));
    assertThat(f.platform.callCount("launch")).isEqualTo(launches);
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void blueIsKeptForTheScaleDownDelayThenDestroyed() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withScaleDownDelay(Duration.ofMinutes(30))).build());
    f.time.runUntil(() -> weights(f).size() == 2, f.time.now().plus(Duration.ofHours(1)));
    f.time.advance(Duration.ofMinutes(29));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);

    Rollout done = handle.awaitSuccess();

    assertThat(f.count(Fixtures.V1)).isZero();
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(4);
    assertThat(weights(f)).containsExactly(PIN, Map.of(V1, 0, V2, 100));
    assertThat(done.elapsed()).isGreaterThan(Duration.ofMinutes(30));
  }

  @Test
  void manualPromotionStaysPausedUntilPromote() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withManualPromotion()).build());

    f.time.advance(Duration.ofHours(3));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(handle.current().reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("waiting for promote()"));
    assertThat(weights(f)).containsExactly(PIN); // the preview serves no production traffic
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(4);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);

    handle.promote();
    handle.awaitSuccess();

    assertThat(weights(f)).containsExactly(PIN, Map.of(V1, 0, V2, 100));
    assertThat(f.count(Fixtures.V1)).isZero();
  }

  @Test
  void aFailingPostPromotionGateSwitchesStraightBack() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    BlueGreen bg = BlueGreen.defaults().withAnalyses(Optional.empty(),
        Optional.of(Analysis.of(Gate.constant(Verdict.FAIL))));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(bg).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(weights(f)).containsExactly(PIN, Map.of(V1, 0, V2, 100), Map.of(V1, 100));
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void abortBeforePromotionLeavesTrafficOnBlueAndDestroysGreen() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withManualPromotion()).build());
    f.time.advance(Duration.ofMinutes(5));

    handle.abort("changed my mind");
    Rollout done = handle.await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(weights(f)).containsExactly(PIN); // traffic never left blue: no switch back
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void aPreviewRunsFewerGreenInstancesUntilPromotion() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withPreviewSize(dev.molt.strategy.Amount.of(1))
            .withAnalyses(Optional.of(Analysis.of(new dev.molt.gate.HealthyShare(1.0))
                .times(2, Duration.ofMinutes(10))), Optional.empty())).build());

    f.time.advance(Duration.ofMinutes(5)); // green preview is up, the analysis is measuring

    assertThat(f.count(Fixtures.V2)).isEqualTo(1);
    assertThat(handle.awaitSuccess().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(4);
  }

  @Test
  void withoutARouterTheSwitchIsRecordedAndBlueIsStillDrained() {
    dev.molt.time.VirtualTime time = dev.molt.time.VirtualTime.create();
    dev.molt.inmemory.InMemoryProvider platform = dev.molt.inmemory.InMemoryProvider
        .builder(time).withoutRouter().build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(1).build();
    engine.run(Fixtures.rollout(Fixtures.V1, 3).build());

    Rollout done = engine.run(Fixtures.rollout(Fixtures.V2, 3)
        .strategy(BlueGreen.defaults()).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(dev.molt.rollout.RolloutEvent.Type.TRAFFIC_SHIFTED))
        .extracting(dev.molt.rollout.RolloutEvent::message).containsExactly("traffic: " + V1.id()
            + "=0% " + V2.id() + "=100% (effective, replica ratio)");
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(3)
        .allMatch(i -> i.revision().equals(V2));
  }
}
