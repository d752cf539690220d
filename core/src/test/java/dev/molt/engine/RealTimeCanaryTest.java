package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.gate.Analysis;
import dev.molt.gate.HealthyShare;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.inmemory.WeightChange;
import dev.molt.strategy.Canary;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** A canary with a gate on real threads and the system clock: the same code path as production. */
class RealTimeCanaryTest {

  @Test
  void aCanaryWithAnAnalysisRunsOnARealScheduler() {
    ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
    try {
      Scheduler scheduler = Scheduler.of(threads);
      InMemoryProvider platform = InMemoryProvider.builder(Clock.systemUTC(), scheduler)
          .defaultBehavior(InstanceBehavior.healthy(Duration.ZERO, Duration.ZERO)
              .withDrainTime(Duration.ZERO)).build();
      RolloutEngine engine = RolloutEngine.builder(platform).clock(Clock.systemUTC())
          .scheduler(scheduler).pollInterval(Duration.ofMillis(50)).seed(5).build();
      RolloutHandle first = engine.start(Fixtures.rollout(Fixtures.V1, 4).build());
      await().atMost(Duration.ofSeconds(30)).until(() -> first.completion().isDone()
          && engine.active(Fixtures.FLEET).isEmpty());
      assertThat(first.completion().join().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

      RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(
          setWeight(50), analyze(Analysis.of(new HealthyShare(1.0))
              .times(3, Duration.ofMillis(20))), setWeight(100))).build());
      await().atMost(Duration.ofSeconds(30)).until(() -> handle.completion().isDone());

      Rollout done = handle.completion().join();
      assertThat(done.phase()).as(done.history().toString()).isEqualTo(RolloutPhase.SUCCEEDED);
      Revision v1 = Fixtures.V1.revision();
      Revision v2 = Fixtures.V2.revision();
      assertThat(platform.weightHistory(Fixtures.FLEET)).extracting(WeightChange::weights)
          .containsExactly(Map.of(v1, 50, v2, 50), Map.of(v1, 0, v2, 100));
      assertThat(platform.instances(Fixtures.FLEET)).hasSize(4)
          .allMatch(i -> i.revision().equals(v2));
    } finally {
      threads.shutdownNow();
    }
  }
}
