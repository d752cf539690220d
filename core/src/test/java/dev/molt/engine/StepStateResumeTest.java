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
import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.StepRecord;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blue-green or canary rollout resumed by a fresh engine from a file store continues from the
 * step it was at: its step index, step start, analysis result, hold and traffic split survive.
 */
class StepStateResumeTest {
  private static final Revision V1 = Fixtures.V1.revision();
  private static final Revision V2 = Fixtures.V2.revision();
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  @TempDir
  Path dir;

  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(5)
        .store(FileRolloutStore.open(dir)) // a fresh store object: only the files carry state
        .identity(identity).leaseTtl(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(5))
        .build();
  }

  private void deployV1(int capacity) {
    engine("deployer").run(Fixtures.rollout(Fixtures.V1, capacity)
        .strategy(RollingUpdate.defaults()).build());
  }

  private List<Map<Revision, Integer>> weights() {
    return platform.weightHistory(Fixtures.FLEET).stream().map(WeightChange::weights).toList();
  }

  @Test
  void aCanaryResumedInItsSecondPauseKeepsItsStepItsPauseClockAndItsSplit() {
    deployV1(10);
    Canary canary = Canary.of(setWeight(10), pause(Duration.ofMinutes(10)),
        analyze(Analysis.of(new HealthyShare(1.0))), setWeight(50), pause(Duration.ofMinutes(10)),
        setWeight(100));
    RolloutEngine first = engine("first");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 10).strategy(canary).build());
    time.runUntil(() -> weights().size() == 2, time.now().plus(Duration.ofHours(1)));
    time.advance(Duration.ofMinutes(3)); // three minutes into the second pause (step 4)
    first.shutdownNow();

    RolloutRecord saved = FileRolloutStore.open(dir).load(handle.id()).orElseThrow();
    StepRecord steps = saved.steps().orElseThrow();
    assertThat(steps.index()).isEqualTo(4);
    assertThat(steps.traffic()).isEqualTo(Map.of(V1, 50, V2, 50));
    Instant crashedAt = time.now();

    time.advance(Duration.ofSeconds(31)); // the lease lapses
    Rollout done = engine("second").resumeAll().get(0).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(weights()).as("no step ran twice").containsExactly(Map.of(V1, 90, V2, 10),
        Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
    assertThat(done.events(RolloutEvent.Type.ANALYZED)).as("the analysis did not run again")
        .hasSize(1);
    Instant lastShift = platform.weightHistory(Fixtures.FLEET).get(2).at();
    assertThat(lastShift).as("the pause counted from its own start, not from the resume")
        .isBefore(crashedAt.plus(Duration.ofMinutes(10)));
  }

  @Test
  void aHoldOnAnInconclusiveAnalysisSurvivesAResumeWithItsResultAndResumeAcceptsIt() {
    deployV1(4);
    Canary canary = Canary.of(setWeight(25),
        analyze(Analysis.of(Gate.constant(Verdict.INCONCLUSIVE))), setWeight(100));
    RolloutEngine first = engine("first");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 4).strategy(canary).build());
    time.runUntil(() -> handle.current().phase() == RolloutPhase.PAUSED,
        time.now().plus(Duration.ofHours(1)));
    first.shutdownNow();
    StepRecord steps = FileRolloutStore.open(dir).load(handle.id()).orElseThrow().steps()
        .orElseThrow();
    assertThat(steps.index()).isEqualTo(1);
    assertThat(steps.holding()).isTrue();
    assertThat(steps.analysis()).hasValueSatisfying(
        r -> assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
    time.advance(Duration.ofSeconds(31));

    RolloutHandle resumed = engine("second").resumeAll().get(0);
    time.advance(Duration.ofMinutes(10));
    assertThat(resumed.current().phase()).as("still held").isEqualTo(RolloutPhase.PAUSED);
    resumed.resume();

    Rollout done = resumed.await();
    assertThat(done.phase()).as("resume() accepted the verdict: the gate, which a store cannot"
        + " keep, was not measured again").isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(weights()).containsExactly(Map.of(V1, 75, V2, 25), Map.of(V1, 0, V2, 100));
  }

  @Test
  void aBlueGreenHeldForPromotionIsStillHeldAfterAResumeAndPromoteGoesOn() {
    deployV1(3);
    RolloutEngine first = engine("first");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 3)
        .strategy(BlueGreen.defaults().withManualPromotion()).build());
    time.runUntil(() -> handle.current().phase() == RolloutPhase.PAUSED,
        time.now().plus(Duration.ofHours(1)));
    first.shutdownNow();
    time.advance(Duration.ofSeconds(31));

    RolloutHandle resumed = engine("second").resumeAll().get(0);
    time.advance(Duration.ofMinutes(30));

    assertThat(resumed.current().phase()).as("still waiting for promote()")
        .isEqualTo(RolloutPhase.PAUSED);
    assertThat(weights()).as("blue pinned once, green never served")
        .containsExactly(Map.of(V1, 100, V2, 0));
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(6);
    resumed.promote();
    Rollout done = resumed.await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(weights()).last().isEqualTo(Map.of(V1, 0, V2, 100));
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(3)
        .allMatch(i -> i.revision().equals(V2) && i.isHealthy());
  }
}
