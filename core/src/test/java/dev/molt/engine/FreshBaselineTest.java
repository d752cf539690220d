package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyzeWithFreshBaseline;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.WeightChange;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A canary analysed against a fresh baseline (issue 17, item 3): the baseline is launched with the
 * canary, as large, carries no more than the canary's weight, is what the gate compares with, and
 * is drained, then terminated, when the analysis ends, whatever its verdict, also after a resume.
 */
class FreshBaselineTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();
  /** The documented derivation: the stable spec with the baseline role option. */
  static final LaunchSpec BASELINE_SPEC = Fixtures.V1.toBuilder()
      .option(OwnerLabels.ROLE, OwnerLabels.BASELINE).build();
  static final Revision BASE = BASELINE_SPEC.revision();

  /** Records what each measurement was given, and answers with {@code verdict}. */
  static final class RecordingGate implements Gate {
    final List<GateContext> seen = new CopyOnWriteArrayList<>();
    final boolean pass;

    RecordingGate(boolean pass) {
      this.pass = pass;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Measurement measure(GateContext context) {
      seen.add(context);
      return pass ? Measurement.pass("ok") : Measurement.fail("canary worse than baseline");
    }
  }

  static Canary canary(Gate gate) {
    return Canary.of(setWeight(10), pause(Duration.ofMinutes(5)),
        analyzeWithFreshBaseline(Analysis.of(gate)), setWeight(50), pause(Duration.ofMinutes(5)),
        setWeight(100));
  }

  static List<Map<Revision, Integer>> weights(InMemoryProvider platform) {
    return platform.weightHistory(Fixtures.FLEET).stream().map(WeightChange::weights).toList();
  }

  static List<Instance> baseline(InMemoryProvider platform) {
    return platform.instances(Fixtures.FLEET).stream()
        .filter(i -> OwnerLabels.isBaseline(i.labels())).toList();
  }

  /** Fails if any split ever gave the baseline more than the canary. */
  static void assertBaselineNeverOutweighsTheCanary(InMemoryProvider platform) {
    for (Map<Revision, Integer> w : weights(platform)) {
      assertThat(w.getOrDefault(BASE, 0)).as("baseline weight in %s", w)
          .isLessThanOrEqualTo(w.getOrDefault(V2, 0));
    }
  }

  /** Fails unless every baseline instance was drained before it was terminated. */
  static void assertDrainedThenTerminated(Rollout done, List<String> baselineIds) {
    List<RolloutEvent> history = done.history();
    for (String id : baselineIds) {
      int drained = indexOf(history, RolloutEvent.Type.DRAINING, id);
      int terminated = indexOf(history, RolloutEvent.Type.TERMINATED, id);
      assertThat(drained).as("%s drained, in %s", id, history).isNotNegative();
      assertThat(terminated).as("%s terminated after its drain", id).isGreaterThan(drained);
    }
  }

  private static int indexOf(List<RolloutEvent> history, RolloutEvent.Type type, String id) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).type() == type && history.get(i).message().contains(id)) {
        return i;
      }
    }
    return -1;
  }

  /** @return the times and counts of the launches of {@code revision} */
  static List<String> launches(Rollout r, Revision revision) {
    return r.events(RolloutEvent.Type.LAUNCHED).stream()
        .filter(e -> e.message().contains("revision=" + revision.id()))
        .map(e -> e.at() + " " + e.message().substring(0, e.message().indexOf(" revision=")))
        .toList();
  }

  @Test
  void theBaselineIsLaunchedWithTheCanaryJudgedAgainstAndRemovedWhenTheAnalysisPasses() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    RecordingGate gate = new RecordingGate(true);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10).strategy(canary(gate))
        .build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(launches(done, BASE)).as("as many, at the same moment as the canary")
        .containsExactlyElementsOf(launches(done, V2).subList(0, 1));
    assertThat(weights(f.platform)).containsExactly(Map.of(V1, 80, BASE, 10, V2, 10),
        Map.of(V1, 90, V2, 10), Map.of(V1, 50, V2, 50), Map.of(V1, 0, V2, 100));
    assertBaselineNeverOutweighsTheCanary(f.platform);
    assertThat(gate.seen).isNotEmpty().allSatisfy(ctx -> {
      assertThat(ctx.canary()).isEqualTo(V2);
      assertThat(ctx.baseline()).as("the fresh baseline, not the stable fleet").contains(BASE);
      assertThat(ctx.fleet().instancesOf(BASE)).hasSize(1)
          .allMatch(i -> OwnerLabels.isBaseline(i.labels()) && i.isHealthy());
    });
    List<String> ids = gate.seen.get(0).fleet().instancesOf(BASE).stream().map(Instance::id)
        .toList();
    assertDrainedThenTerminated(done, ids);
    Instant removedAt = done.history().get(indexOf(done.history(), RolloutEvent.Type.TERMINATED,
        ids.get(0))).at();
    Instant nextStepAt = f.platform.weightHistory(Fixtures.FLEET).get(2).at();
    assertThat(removedAt).as("removed before the next step moves traffic")
        .isBeforeOrEqualTo(nextStepAt);
    assertThat(baseline(f.platform)).isEmpty();
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(10);
    assertThat(f.count(Fixtures.V1)).isZero();
  }

  @Test
  void aFailedAnalysisRemovesTheBaselineAndRollsBack() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    RecordingGate gate = new RecordingGate(false);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 10).strategy(canary(gate))
        .build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("verdict=FAIL"));
    assertThat(weights(f.platform)).containsExactly(Map.of(V1, 80, BASE, 10, V2, 10),
        Map.of(V1, 90, V2, 10), Map.of(V1, 100));
    assertDrainedThenTerminated(done, gate.seen.get(0).fleet().instancesOf(BASE).stream()
        .map(Instance::id).toList());
    assertThat(baseline(f.platform)).isEmpty();
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(10);
  }

  @Test
  void anAbortInsideTheBaselineWindowRemovesTheBaseline() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new RecordingGate(true))).build());
    f.time.runUntil(() -> weights(f.platform).size() == 1, f.time.now().plus(Duration.ofHours(1)));
    List<String> ids = baseline(f.platform).stream().map(Instance::id).toList();
    assertThat(ids).hasSize(1);

    handle.abort("operator");
    Rollout done = handle.await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertDrainedThenTerminated(done, ids);
    assertThat(baseline(f.platform)).isEmpty();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(10);
    assertBaselineNeverOutweighsTheCanary(f.platform);
  }

  @Test
  void aResumedRunRecognisesTheBaselineLaunchedBeforeTheCrashAndRemovesIt() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).build();
    RolloutStore store = new InMemoryRolloutStore();
    java.util.function.Function<String, RolloutEngine> engine = id -> RolloutEngine
        .builder(platform).time(time).seed(3).store(store).identity(id)
        .leaseTtl(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(5)).build();
    engine.apply("deployer").run(Fixtures.rollout(Fixtures.V1, 10).build());
    RolloutEngine first = engine.apply("first");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new RecordingGate(true))).build());
    time.runUntil(() -> weights(platform).size() == 1, time.now().plus(Duration.ofHours(1)));
    time.advance(Duration.ofMinutes(1)); // in the pause before the analysis
    first.shutdownNow();
    List<String> ids = baseline(platform).stream().map(Instance::id).toList();
    assertThat(ids).as("the baseline outlives the crashed engine").hasSize(1);

    time.advance(Duration.ofSeconds(31)); // the lease lapses
    List<RolloutHandle> resumed = engine.apply("second").resumeAll();
    Rollout done = resumed.get(0).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(launches(done, BASE)).as("the resumed run kept the baseline it found").hasSize(1);
    assertDrainedThenTerminated(done, ids);
    assertThat(baseline(platform)).isEmpty();
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(10)
        .allMatch(i -> i.revision().equals(V2) && i.isHealthy());
    assertBaselineNeverOutweighsTheCanary(platform);
  }

  @Test
  void withoutARouterTheBaselineMatchesTheCanaryByReplicaCount() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).withoutRouter().build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(3)
        .pollInterval(Duration.ofSeconds(5)).build();
    engine.run(Fixtures.rollout(Fixtures.V1, 10).build());
    RecordingGate gate = new RecordingGate(true);

    Rollout done = engine.run(Fixtures.rollout(Fixtures.V2, 10).strategy(canary(gate)).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(gate.seen).allSatisfy(ctx -> assertThat(ctx.fleet().instancesOf(BASE))
        .hasSameSizeAs(ctx.fleet().instancesOf(V2)).hasSize(1));
    assertThat(done.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .first().isEqualTo("traffic: " + V1.id() + "=84% " + BASE.id() + "=8% " + V2.id()
            + "=8% (effective, replica ratio)");
    assertThat(baseline(platform)).isEmpty();
  }

  @Test
  void theDryRunPlanShowsTheBaselineAndCountsItInThePeak() {
    Fixtures f = new Fixtures();
    f.deployV1(10);

    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(canary(new RecordingGate(true))).build());

    RolloutPlan.Step first = plan.steps().get(0);
    assertThat(first.description()).contains("fresh baseline");
    assertThat(first.traffic()).isEqualTo(Map.of(V1, 80, BASE, 10, V2, 10));
    assertThat(first.instances()).as("stable 10 + canary 1 + baseline 1").isEqualTo(12);
    RolloutPlan.Step analysis = plan.steps().get(2);
    assertThat(analysis.description()).contains("vs fresh baseline").contains("removed");
    assertThat(analysis.traffic()).as("the baseline is gone at its end")
        .isEqualTo(Map.of(V1, 90, V2, 10));
    assertThat(plan.peakInstances()).isEqualTo(20); // the promotion's peak is larger
  }

  @Test
  void aFreshBaselineNeedsACanaryOfAtMostHalfTheTraffic() {
    Analysis a = Analysis.of(new RecordingGate(true));
    assertThatThrownBy(() -> Canary.of(setWeight(60), analyzeWithFreshBaseline(a)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("steps[1]")
        .hasMessageContaining("at most 50%");
    assertThatThrownBy(() -> Canary.of(analyzeWithFreshBaseline(a), setWeight(10)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("steps[0]");
    assertThat(Canary.of(setWeight(50), analyzeWithFreshBaseline(a)).steps().get(1))
        .isEqualTo(new CanaryStep.Analyze(a, true));
  }
}
