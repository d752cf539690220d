package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * At every event of a rolling update, serving healthy capacity stays at or above desired -
 * maxUnavailable and the instance count at or below desired + maxSurge.
 */
class RollingInvariantTest {

  static Stream<Arguments> limits() {
    return Stream.of(
        Arguments.of(10, "25%", "0"),
        Arguments.of(10, "1", "0"),
        Arguments.of(10, "0", "1"),
        Arguments.of(10, "2", "2"),
        Arguments.of(10, "0", "30%"),
        Arguments.of(10, "100%", "0"),
        Arguments.of(7, "3", "1"),
        Arguments.of(1, "0", "1"),
        Arguments.of(25, "10%", "10%"));
  }

  @ParameterizedTest(name = "capacity {0} surge {1} unavailable {2}")
  @MethodSource("limits")
  void capacityStaysWithinLimitsAtEveryEvent(int capacity, String surge, String unavailable) {
    RollingUpdate strategy = RollingUpdate.of(Amount.parse(surge), Amount.parse(unavailable))
        .withMinReadyTime(Duration.ofSeconds(15));
    int floor = capacity - strategy.unavailable(capacity);
    int ceiling = capacity + strategy.surge(capacity);
    List<String> violations = new ArrayList<>();
    List<Integer> servingSeen = new ArrayList<>();
    Fixtures[] holder = new Fixtures[1];
    boolean[] watching = {false};
    holder[0] = new Fixtures((rollout, event) -> {
      if (!watching[0]) {
        return;
      }
      List<Instance> live = holder[0].platform.instances(Fixtures.FLEET);
      long serving = live.stream().filter(Instance::isHealthy)
          .filter(i -> !i.state().isDraining()).count();
      servingSeen.add((int) serving);
      if (serving < floor || live.size() > ceiling) {
        violations.add(event.type() + " at " + event.at() + ": serving=" + serving + " total="
            + live.size() + " " + live);
      }
    });
    Fixtures f = holder[0];
    f.deployV1(capacity);
    watching[0] = true;

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, capacity).strategy(strategy)
        .build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(violations).as("floor %d, ceiling %d", floor, ceiling).isEmpty();
    assertThat(servingSeen).isNotEmpty();
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(capacity);
    assertThat(f.count(Fixtures.V1)).isZero();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void holdsUnderRandomLatencies(long seed) {
    Random random = new Random(seed);
    int capacity = 3 + random.nextInt(20);
    RollingUpdate strategy = RollingUpdate.of(Amount.of(random.nextInt(4)),
        Amount.of(1 + random.nextInt(3)));
    InstanceBehavior behavior = InstanceBehavior.healthy(
        Duration.ofSeconds(1 + random.nextInt(60)), Duration.ofSeconds(random.nextInt(30)))
        .withDrainTime(Duration.ofSeconds(random.nextInt(20)));
    int floor = capacity - strategy.unavailable(capacity);
    int ceiling = capacity + strategy.surge(capacity);
    List<String> violations = new ArrayList<>();
    Fixtures[] holder = new Fixtures[1];
    boolean[] watching = {false};
    holder[0] = new Fixtures(behavior, (rollout, event) -> {
      if (watching[0]) {
        List<Instance> live = holder[0].platform.instances(Fixtures.FLEET);
        long serving = live.stream().filter(Instance::isHealthy).count();
        if (serving < floor || live.size() > ceiling) {
          violations.add(event.type() + " serving=" + serving + " total=" + live.size());
        }
      }
    });
    holder[0].deployV1(capacity);
    watching[0] = true;
    Rollout done = holder[0].engine.run(Fixtures.rollout(Fixtures.V2, capacity)
        .strategy(strategy).build());
    assertThat(done.phase()).as("seed %d", seed).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(violations).as("seed %d: capacity %d, %s, %s", seed, capacity, strategy, behavior)
        .isEmpty();
  }

  static Stream<Long> seeds() {
    return new Random(20261122L).longs(25).boxed();
  }
}
