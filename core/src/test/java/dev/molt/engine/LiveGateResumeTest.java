package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.InvalidSpecException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.FileRolloutStore;
import dev.molt.strategy.Canary;
import dev.molt.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that dies while an analysis is measuring: a fresh engine given the gate again
 * ({@link RolloutEngine.Builder#liveGate}) measures the analysis again and finishes; one that is
 * not given it fails the analysis safe and rolls back.
 */
class LiveGateResumeTest {
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  @TempDir
  Path dir;

  /** A passing gate that counts its measurements. */
  private record CountingGate(String name, AtomicInteger measured) implements Gate {
    CountingGate(String name) {
      this(name, new AtomicInteger());
    }

    @Override
    public Measurement measure(GateContext context) {
      measured.incrementAndGet();
      return Measurement.pass("latency within the objective");
    }
  }

  private RolloutEngine.Builder engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(9).store(FileRolloutStore.open(dir))
        .identity(identity).leaseTtl(Duration.ofSeconds(30));
  }

  /** Starts the canary on {@code first} and lets its analysis make one of three measurements. */
  private RolloutHandle midAnalysis(RolloutEngine first) {
    engine("deployer").build().run(Fixtures.rollout(Fixtures.V1, 4).build());
    CountingGate gate = new CountingGate("latency-slo");
    Canary canary = Canary.of(setWeight(25),
        analyze(Analysis.of(gate).times(3, Duration.ofMinutes(1))), setWeight(100));
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 4).strategy(canary).build());
    time.runUntil(() -> gate.measured().get() == 1, time.now().plus(Duration.ofHours(1)));
    return handle;
  }

  /** Kills {@code first} and lets its lease lapse. */
  private void crash(RolloutEngine first) {
    first.shutdownNow();
    time.advance(Duration.ofSeconds(31));
  }

  /** Starts the canary, lets its analysis make one of three measurements, and kills the engine. */
  private String crashMidAnalysis() {
    RolloutEngine first = engine("first").build();
    String id = midAnalysis(first).id();
    crash(first);
    return id;
  }

  @Test
  void aResumedAnalysisMeasuresTheLiveGateOfItsNameAgainAndTheRolloutSucceeds() {
    String id = crashMidAnalysis();
    CountingGate live = new CountingGate("latency-slo");

    Rollout done = engine("second").liveGate(live).build().resume(id).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(live.measured().get()).as("the interrupted analysis ran again, all of it")
        .isEqualTo(3);
    assertThat(platform.instances(Fixtures.FLEET))
        .allMatch(i -> i.revision().equals(Fixtures.V2.revision()));
  }

  @Test
  void withoutTheLiveGateTheInterruptedAnalysisFailsSafeAndTheRolloutRollsBack() {
    String id = crashMidAnalysis();
    CountingGate otherName = new CountingGate("error-rate");

    Rollout done = engine("second").liveGate(otherName).build().resume(id).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("latency-slo"));
    assertThat(otherName.measured().get()).isZero();
    assertThat(platform.instances(Fixtures.FLEET))
        .allMatch(i -> i.revision().equals(Fixtures.V1.revision()));
  }

  @Test
  void aControlRequestTheDeadEngineAnsweredIsNotTakenAgainWhenTheLiveGateIsGivenBack() {
    RolloutEngine first = engine("first").build();
    RolloutHandle handle = midAnalysis(first);
    FileRolloutStore store = FileRolloutStore.open(dir);
    ControlRequest promote = ControlRequest.of(handle.id(), ControlRequest.Control.PROMOTE,
        "alice", time.now());
    store.request(promote);
    time.runUntil(() -> store.load(handle.id()).flatMap(r -> r.answer(promote.id()))
        .filter(a -> a.outcome() != ControlAnswer.Outcome.TAKEN).isPresent(),
        time.now().plus(Duration.ofMinutes(1)));
    ControlAnswer before = store.load(handle.id()).flatMap(r -> r.answer(promote.id()))
        .orElseThrow();
    assertThat(before.answeredBy()).isEqualTo("first");
    crash(first);

    Rollout done = engine("second").liveGate(new CountingGate("latency-slo")).build()
        .resume(handle.id()).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(store.load(handle.id()).flatMap(r -> r.answer(promote.id())))
        .as("answered once, by the engine that took it").contains(before);
    assertThat(done.history()).filteredOn(e -> e.message().contains("done=promoted"))
        .as("the promote was applied once").hasSize(1);
  }

  @Test
  void twoLiveGatesWithOneNameAreRefusedWhenTheEngineIsBuilt() {
    RolloutEngine.Builder builder = engine("e").liveGate(new CountingGate("slo"))
        .liveGate(new CountingGate("slo"));

    assertThatThrownBy(builder::build).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.field()).isEqualTo("liveGate"))
        .hasMessageContaining("two gates are named slo");
  }
}
