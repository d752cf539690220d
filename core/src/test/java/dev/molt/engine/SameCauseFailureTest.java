package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.spi.ForwardingProvider;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 5: a revision whose instances never become healthy, each time for the same
 * reason in the provider's words, fails as soon as {@code max(1, maxReplacements)} of them failed
 * so, in virtual time. The provider here is the in-memory one with v2 scripted never healthy,
 * wrapped to say why the way the Docker provider does: the same words with another address, port
 * and time for each instance (or other words, or none).
 */
class SameCauseFailureTest {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final InstanceBehavior OK =
      InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10));

  /** The same cause, instance by instance on another address and at another time. */
  private static final BiFunction<Integer, Instant, String> SAME = (n, at) ->
      "container still running, not healthy: GET http://10.0.0." + n + ":" + (32768 + n)
      + "/health: connection refused; last log lines: " + at + " starting | listening nowhere";
  /** A cause of its own for every instance. */
  private static final BiFunction<Integer, Instant, String> DIFFERENT = (n, at) ->
      "container exited with code " + n;

  @Test
  void atSurge1TheSecondFailureForTheSameCauseFailsTheRolloutWithoutAThirdLaunch() {
    Run run = new Run(SAME, 2, RollingUpdate.of(Amount.of(1), Amount.of(0)));

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).as("v2 instances launched").hasSize(2);
    assertThat(run.done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("2 instances of " + Fixtures.V2.revision() + " failed for the same cause"
            + " within 2m")
        .contains("connection refused").contains("listening nowhere"));
  }

  @Test
  void atSurgeAtLeastTheBudgetTheRevisionFailsWithinOneHealthyDeadline() {
    Run run = new Run(SAME, 2, RollingUpdate.of(Amount.of(2), Amount.of(0)));

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).as("v2 instances launched").hasSize(2);
    // virtual time: launched at the start, failed at launch + deadline, never a second round
    assertThat(run.abortedAfter()).isLessThan(DEADLINE.plusSeconds(30));
  }

  @Test
  void withABudgetOf1OneFailureWithAKnownCauseIsEnough() {
    Run run = new Run(SAME, 1, RollingUpdate.of(Amount.of(1), Amount.of(0)));

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).hasSize(1);
    assertThat(run.done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("1 instance of").contains("failed for the same cause"));
  }

  @Test
  void differentCausesKeepTheReplacementBudget() {
    Run run = new Run(DIFFERENT, 2, RollingUpdate.of(Amount.of(1), Amount.of(0)));

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).as("v2 instances launched").hasSize(3);
    assertThat(run.done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("3 instances of").contains("replacement budget 2")
        .doesNotContain("same cause"));
  }

  @Test
  void failuresWithoutACauseKeepTheReplacementBudget() {
    Run run = new Run(null, 2, RollingUpdate.of(Amount.of(2), Amount.of(0)));

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).as("v2 instances launched").hasSize(4);
    assertThat(run.abortedAfter()).isGreaterThanOrEqualTo(DEADLINE.multipliedBy(2));
  }

  @Test
  void aZonalRollingUpdateFailsByTheSameRule() {
    RollingUpdate zonal = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withZones(ZonalRollout.of(Duration.ZERO, Amount.of(0)));
    Run run = new Run(SAME, 2, zonal);

    assertThat(run.done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(run.v2Launched()).as("v2 instances launched").hasSize(2);
    assertThat(run.done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("failed for the same cause"));
  }

  @Test
  void anEngineThatResumesTheRolloutGoesOnCountingTheCausesTheDeadOneSaw() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).defaultBehavior(OK).build();
    Saying provider = new Saying(platform, SAME, time);
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutEngine first = RolloutEngine.builder(provider).time(time).seed(7)
        .pollInterval(Duration.ofSeconds(5)).store(store).identity("first").build();
    assertThat(first.run(Fixtures.rollout(Fixtures.V1, 4).build()).phase())
        .isEqualTo(RolloutPhase.SUCCEEDED);
    platform.script(Fixtures.V2.revision(), OK.neverHealthy());
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 4).strategy(
        RollingUpdate.of(Amount.of(1), Amount.of(0)).withHealthyDeadline(DEADLINE)
            .withMaxReplacements(3)).build());
    time.runUntil(() -> !handle.current().events(RolloutEvent.Type.INSTANCE_FAILED).isEmpty(),
        time.now().plus(Duration.ofHours(1)));
    assertThat(store.load(handle.id()).orElseThrow().failureCauses()).as("saved")
        .hasSize(1).containsValue(1);
    first.shutdownNow(); // the engine dies after the first replacement
    time.advance(Duration.ofSeconds(31));

    Rollout done = RolloutEngine.builder(provider).time(time).seed(8)
        .pollInterval(Duration.ofSeconds(5)).store(store).identity("second").build()
        .resume(handle.id()).await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    // 3 failures of one cause in all, the first seen by the dead engine: no fourth launch
    assertThat(provider.v2Seen).as("v2 instances launched").hasSize(3);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("3 instances of " + Fixtures.V2.revision() + " failed for the same cause"));
  }

  /** A v1 → v2 rolling update of 4 where v2 never becomes healthy. */
  private static final class Run {
    final VirtualTime time = VirtualTime.create();
    final Saying provider;
    final Rollout done;

    Run(BiFunction<Integer, Instant, String> cause, int budget, RollingUpdate strategy) {
      InMemoryProvider platform = InMemoryProvider.builder(time).defaultBehavior(OK)
          .zones("a", "b").build();
      provider = new Saying(platform, cause, time);
      RolloutEngine engine = RolloutEngine.builder(provider).time(time).seed(7)
          .pollInterval(Duration.ofSeconds(5)).build();
      Rollout v1 = engine.run(Fixtures.rollout(Fixtures.V1, 4).build());
      assertThat(v1.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      platform.script(Fixtures.V2.revision(), OK.neverHealthy());
      done = engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(strategy
          .withHealthyDeadline(DEADLINE).withMaxReplacements(budget)).build());
    }

    Set<String> v2Launched() {
      return provider.v2Seen;
    }

    Duration abortedAfter() {
      List<RolloutEvent> aborting = done.events(RolloutEvent.Type.ABORTING);
      assertThat(aborting).hasSize(1);
      return Duration.between(done.startedAt(), aborting.get(0).at());
    }
  }

  /** Says why each v2 instance is not healthy, in words that name its own address and time. */
  private static final class Saying extends ForwardingProvider {
    final Set<String> v2Seen = new LinkedHashSet<>();
    private final Map<String, Integer> numbers = new LinkedHashMap<>();
    private final BiFunction<Integer, Instant, String> cause;
    private final VirtualTime time;

    Saying(InMemoryProvider delegate, BiFunction<Integer, Instant, String> cause,
        VirtualTime time) {
      super(delegate);
      this.cause = cause;
      this.time = time;
    }

    @Override
    public synchronized List<Instance> observe(String fleet) {
      List<Instance> out = new ArrayList<>();
      for (Instance i : super.observe(fleet)) {
        if (!i.revision().equals(Fixtures.V2.revision())) {
          out.add(i);
          continue;
        }
        v2Seen.add(i.id());
        int n = numbers.computeIfAbsent(i.id(), k -> numbers.size() + 1);
        if (cause == null) {
          out.add(i);
          continue;
        }
        Map<String, String> labels = new LinkedHashMap<>(i.labels());
        labels.put(OwnerLabels.FAILURE, cause.apply(n, time.now()));
        out.add(new Instance(i.id(), i.fleet(), i.revision(), i.address(), i.state(),
            i.launchedAt(), i.stateSince(), i.healthySince(), labels));
      }
      return out;
    }
  }
}
