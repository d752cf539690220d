package dev.molt.engine.guarantees;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.Call;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import dev.molt.engine.RetrySettings;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12.1: an action the platform refuses for good (quota, a router that refuses every split, a
 * terminate refused) must back off in virtual time and, after a bounded number of refusals, fail
 * the step and apply the failure policy, instead of re-ticking at zero delay forever. The
 * rollback that follows never gives up on refusals (it is the way back to a known state): it backs
 * off, capped, until the platform answers or its progress deadline ends it FAILED.
 */
class RefusedActionsBackOffTest {

  @ParameterizedTest(name = "{0} refused forever")
  @ValueSource(strings = {"launch", "drain", "terminate", "set-weights"})
  void aRefusedActionBacksOffAndFailsTheStepInsteadOfHammeringThePlatform(String operation) {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    Instant start = f.time.now();
    f.platform.failNext(operation, Integer.MAX_VALUE, false);

    Rollout done = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(50), pause(Duration.ofMinutes(1)), setWeight(100)))
        .build()).await();

    assertThat(done.phase()).as(done.toString()).isIn(RolloutPhase.ROLLED_BACK,
        RolloutPhase.FAILED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("refused 5 times in a row").contains(operation));
    if (done.phase() == RolloutPhase.FAILED) {
      // a rollback never gives up on refusals: it backs off until its progress deadline
      assertThat(done.reason().orElseThrow()).contains("rollback failed").contains("no progress");
    }
    // never a storm: a handful of calls per minute, whatever the outcome
    Map<Long, Long> perMinute = f.platform.calls().stream()
        .filter(c -> !c.at().isBefore(start) && c.operation().equals(operation))
        .collect(Collectors.groupingBy(c -> Duration.between(start, c.at()).toMinutes(),
            Collectors.counting()));
    assertThat(perMinute.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(12));
    Map<Instant, Long> perInstant = f.platform.calls().stream()
        .filter(c -> !c.at().isBefore(start))
        .collect(Collectors.groupingBy(Call::at, Collectors.counting()));
    assertThat(perInstant.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(16));
    assertThat(f.time.now()).isAfter(start.plusSeconds(2 + 4 + 8)); // backed off 2 s, 4 s, 8 s ...
  }

  @ParameterizedTest(name = "{0} refused a few times")
  @ValueSource(strings = {"launch", "set-weights"})
  void refusalsBelowTheLimitOnlyDelayTheRollout(String operation) {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.failNext(operation, 3, false);

    Rollout done = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(50), setWeight(100))).build()).await();

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.SUCCEEDED);
    Map<String, Long> errors = done.events(RolloutEvent.Type.PROVIDER_ERROR).stream()
        .collect(Collectors.groupingBy(e -> e.message().contains("back-off") ? "back-off" : "other",
            Collectors.counting()));
    assertThat(errors).containsEntry("back-off", 3L);
  }

  @Test
  @Timeout(60)
  void withARealClockAPlatformThatRefusesEveryLaunchSeesAFewCallsNotAStorm() throws Exception {
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    try {
      Fixtures.RealClock real = Fixtures.realClock(executor,
          RetrySettings.defaults().withRefusals(Duration.ofMillis(100), 5));
      InMemoryProvider platform = real.platform();
      RolloutEngine engine = real.engine();
      platform.failNext("launch", Integer.MAX_VALUE, false);
      long before = platform.callCount("launch");
      long started = System.nanoTime();

      Rollout done = engine.start(Fixtures.rollout(Fixtures.V2, 2).build())
          .completion().get(30, TimeUnit.SECONDS);

      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
      assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
          .contains("refused 5 times in a row"));
      // five refused launches, spread over the back-off (0.1 + 0.2 + 0.4 + 0.8 s, jittered),
      // where a hot loop would have made thousands
      assertThat(platform.callCount("launch") - before).isEqualTo(5);
      assertThat(took).isGreaterThan(Duration.ofMillis(1000));
    } finally {
      executor.shutdownNow();
    }
  }
}
