package dev.molt.engine.guarantees;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RetrySettings;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.MetricSource;
import dev.molt.strategy.Canary;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12.2: a metric source that never answers must not hang the rollout. Each measurement has
 * a timeout (an ERROR verdict), and the analysis ends within its deadline, with virtual time and
 * with a real clock.
 */
class HungMetricSourceTest {
  private final CountDownLatch never = new CountDownLatch(1);

  @AfterEach
  void releaseTheHungThreads() {
    never.countDown();
  }

  /** A gate whose measure() blocks until the test ends: a metric source that hangs. */
  private Gate hanging() {
    return new Gate() {
      @Override
      public String name() {
        return "hung-source";
      }

      @Override
      public Measurement measure(GateContext context) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Measurement.error("released");
      }
    };
  }

  @Test
  @Timeout(60)
  void aBlockingMetricSourceTimesOutInVirtualTimeAndTheCanaryRollsBack() {
    Fixtures f = new Fixtures();
    f.time.blockingLimit(Duration.ofMillis(50));
    f.deployV1(4);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), analyze(Analysis.of(hanging())
            .withTimeout(Duration.ofSeconds(20))), setWeight(100))).build());

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("hung-source did not answer within 20s").contains("ERROR"));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  @Timeout(60)
  void aMetricSourceThatNeverAnswersAsynchronouslyEndsWithinTheAnalysisDeadline() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Gate silent = new Gate() {
      @Override
      public String name() {
        return "silent";
      }

      @Override
      public Measurement measure(GateContext context) {
        throw new AssertionError("measureAsync is the engine's entry point");
      }

      @Override
      public CompletionStage<Measurement> measureAsync(GateContext c, Scheduler s) {
        return new CompletableFuture<>();
      }
    };
    Analysis analysis = Analysis.of(silent).times(3, Duration.ofMinutes(1))
        .withTolerance(0, 2).withTimeout(Duration.ofSeconds(30));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), analyze(analysis), setWeight(100))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    Instant started = done.history().stream().filter(e -> e.message().contains("action=analyze"))
        .findFirst().orElseThrow().at();
    Instant concluded = done.events(RolloutEvent.Type.ANALYZED).get(0).at();
    assertThat(Duration.between(started, concluded)).isLessThanOrEqualTo(analysis.deadline());
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("silent did not answer within 30s"));
  }

  @Test
  @Timeout(60)
  void withARealClockAHungMetricSourceEndsTheRolloutWithinItsAnalysisDeadline() throws Exception {
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    try {
      RolloutEngine engine = Fixtures.realClock(executor, RetrySettings.defaults()).engine();
      MetricSource hung = query -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of();
      };
      Analysis analysis = Analysis.of(MetricComparison.higherIsWorse(hung,
          "latency{revision=\"{revision}\"}", Duration.ofMinutes(1), Duration.ofSeconds(10)))
          .withTimeout(Duration.ofMillis(300));

      Rollout done = engine.start(Fixtures.rollout(Fixtures.V2, 2)
          .strategy(Canary.of(setWeight(50), analyze(analysis), setWeight(100))).build())
          .completion().get(30, TimeUnit.SECONDS);

      assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
      assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
          .contains("metric-comparison did not answer within 300ms"));
    } finally {
      executor.shutdownNow();
    }
  }
}
