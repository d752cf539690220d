package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Worked examples of the rolling planner. A fleet is written as counts: {@code old} healthy old
 * instances, {@code ready} healthy new ones past min-ready, {@code pending} new ones launching,
 * {@code draining} old ones draining. The expected decision is the launch count, the drain count
 * and whether it is done.
 */
class RollingPlannerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  private static final LaunchSpec OLD = Fixtures.V1;
  private static final LaunchSpec NEW = Fixtures.V2;

  static Stream<Arguments> examples() {
    return Stream.of(
        // desired, surge, unavail, old, ready, pending, draining -> launch, drain, done
        Arguments.of("first step launches up to the surge", 10, "25%", "0", 10, 0, 0, 0, 3, 0, false),
        Arguments.of("nothing serves yet: no drain at 0 unavailable", 10, "3", "0", 10, 0, 3, 0, 0, 0, false),
        Arguments.of("one ready new frees one old", 10, "3", "0", 10, 1, 2, 0, 0, 1, false),
        Arguments.of("a draining old holds its slot", 10, "3", "0", 9, 1, 2, 1, 0, 0, false),
        Arguments.of("surge 0 drains first", 10, "0", "2", 10, 0, 0, 0, 0, 2, false),
        Arguments.of("surge 0 refills the freed slots", 10, "0", "2", 8, 0, 0, 0, 2, 0, false),
        Arguments.of("both limits at once", 10, "2", "2", 10, 0, 0, 0, 2, 2, false),
        Arguments.of("last old drains when all new ready", 4, "1", "0", 1, 4, 0, 0, 0, 1, false),
        Arguments.of("done", 4, "1", "0", 0, 4, 0, 0, 0, 0, true),
        Arguments.of("empty fleet launches all at surge 100%", 5, "100%", "0", 0, 0, 0, 0, 5, 0, false),
        Arguments.of("first deploy is bounded only by desired", 5, "25%", "0", 0, 0, 0, 0, 5, 0, false),
        Arguments.of("scale to zero drains everything", 0, "1", "0", 3, 0, 0, 0, 0, 3, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void decides(String name, int desired, String surge, String unavailable, int old, int ready,
      int pending, int draining, int expectLaunch, int expectDrain, boolean expectDone) {
    RollingUpdate params = RollingUpdate.of(Amount.parse(surge), Amount.parse(unavailable));
    List<Instance> instances = new ArrayList<>();
    add(instances, old, OLD, InstanceState.HEALTHY, NOW.minusSeconds(3600));
    add(instances, ready, NEW, InstanceState.HEALTHY, NOW.minusSeconds(60));
    add(instances, pending, NEW, InstanceState.LAUNCHING, NOW.minusSeconds(5));
    add(instances, draining, OLD, InstanceState.DRAINING, NOW.minusSeconds(1));
    Fleet fleet = new Fleet("web", desired, instances, Map.of());

    Decision d = new RollingPlanner(params).decide(
        new PlanContext(fleet, NEW, desired, NOW, 0, Duration.ofSeconds(30)));

    int launched = d.actions().stream().filter(a -> a instanceof Action.Launch)
        .mapToInt(a -> ((Action.Launch) a).count()).sum();
    int drained = d.actions().stream().filter(a -> a instanceof Action.Drain)
        .mapToInt(a -> ((Action.Drain) a).instances().size()).sum();
    assertThat(launched).as("launch").isEqualTo(expectLaunch);
    assertThat(drained).as("drain").isEqualTo(expectDrain);
    assertThat(d.status() == Decision.Status.DONE).as("done").isEqualTo(expectDone);
  }

  @ParameterizedTest(name = "failed new instances beyond a budget of {0} fail the rollout")
  @MethodSource("budgets")
  void theReplacementBudgetIsBounded(int budget, int alreadyReplaced, boolean fails) {
    RollingUpdate params = RollingUpdate.defaults().withMaxReplacements(budget);
    List<Instance> instances = new ArrayList<>();
    add(instances, 4, OLD, InstanceState.HEALTHY, NOW.minusSeconds(3600));
    add(instances, 1, NEW, InstanceState.FAILED, NOW.minusSeconds(30));
    Decision d = new RollingPlanner(params).decide(new PlanContext(
        new Fleet("web", 4, instances, Map.of()), NEW, 4, NOW, alreadyReplaced,
        Duration.ofSeconds(30)));
    assertThat(d.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(
        Action.Terminate.class, t -> assertThat(t.failedNew()).isTrue()));
    assertThat(d.status() == Decision.Status.FAILED).isEqualTo(fails);
  }

  /** Issue 18, item 5: the platform's words on why an instance failed reach the reason. */
  @Test
  void theProvidersFailureDetailIsInTheReplacementAndInTheRolloutsReason() {
    RollingUpdate params = RollingUpdate.defaults().withMaxReplacements(1);
    List<Instance> instances = new ArrayList<>();
    add(instances, 2, OLD, InstanceState.HEALTHY, NOW.minusSeconds(3600));
    Map<String, String> labels = new HashMap<>(OwnerLabels.of("web", NEW.revision(),
        "ro-test"));
    labels.put(OwnerLabels.FAILURE, "exited with code 3; last log lines: bind: address in use");
    instances.add(new Instance("v2-failed", "web", NEW.revision(), Optional.empty(),
        InstanceState.FAILED, NOW.minusSeconds(30), NOW.minusSeconds(5), Optional.empty(),
        labels));

    Decision d = new RollingPlanner(params).decide(new PlanContext(
        new Fleet("web", 2, instances, Map.of()), NEW, 2, NOW, 1, Duration.ofSeconds(30)));

    assertThat(d.status()).isEqualTo(Decision.Status.FAILED);
    assertThat(d.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("exited with code 3; last log lines: bind: address in use"));
    assertThat(d.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(
        Action.Terminate.class, t -> assertThat(t.reason()).contains("exited with code 3")));
  }

  static Stream<Arguments> budgets() {
    return Stream.of(Arguments.of(3, 0, false), Arguments.of(3, 2, false),
        Arguments.of(3, 3, true), Arguments.of(0, 0, true));
  }

  @ParameterizedTest(name = "min ready {0}s: counted as serving = {1}")
  @MethodSource("minReady")
  void minReadyTimeDelaysServing(int minReadySeconds, boolean counts) {
    RollingUpdate params = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withMinReadyTime(Duration.ofSeconds(minReadySeconds));
    List<Instance> instances = new ArrayList<>();
    add(instances, 2, OLD, InstanceState.HEALTHY, NOW.minusSeconds(3600));
    add(instances, 1, NEW, InstanceState.HEALTHY, NOW.minusSeconds(20)); // healthy for 20 s
    Decision d = new RollingPlanner(params).decide(new PlanContext(
        new Fleet("web", 2, instances, Map.of()), NEW, 2, NOW, 0, Duration.ofSeconds(30)));
    boolean drains = d.actions().stream().anyMatch(a -> a instanceof Action.Drain);
    assertThat(drains).isEqualTo(counts);
    if (!counts) {
      assertThat(d.wakeAt()).contains(NOW.minusSeconds(20).plusSeconds(minReadySeconds));
    }
  }

  static Stream<Arguments> minReady() {
    return Stream.of(Arguments.of(0, true), Arguments.of(20, true), Arguments.of(21, false),
        Arguments.of(300, false));
  }

  private static void add(List<Instance> out, int n, LaunchSpec spec, InstanceState state,
      Instant since) {
    for (int i = 0; i < n; i++) {
      String id = spec.image().version() + "-" + state + "-" + out.size();
      Optional<Instant> healthy = state == InstanceState.HEALTHY ? Optional.of(since)
          : Optional.empty();
      out.add(new Instance(id, "web", spec.revision(), Optional.empty(), state, since, since,
          healthy, OwnerLabels.of("web", spec.revision(), "ro-test")));
    }
  }
}
