package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A zonal rolling update on the in-memory provider in virtual time: at every event at most one
 * zone is in flight (has new instances not yet ready, old and new side by side, or draining
 * ones), every zone keeps its minimum of serving instances, and new instances land in the zone
 * they replace.
 */
class ZonalRolloutTest {
  private static final Duration BAKE = Duration.ofMinutes(5);

  /** A platform with zones, an engine that checks the zone rules at every event. */
  static final class ZonedFleet {
    final VirtualTime time = VirtualTime.create();
    final InMemoryProvider platform;
    final RolloutEngine engine;
    final List<String> violations = new ArrayList<>();
    final Map<String, Instant> started = new TreeMap<>();
    final Map<String, Instant> finished = new TreeMap<>();
    Map<String, Integer> minimum = Map.of();
    boolean watching;

    ZonedFleet(InstanceBehavior behavior, String... zones) {
      platform = InMemoryProvider.builder(time).defaultBehavior(behavior).zones(zones).build();
      engine = RolloutEngine.builder(platform).time(time).seed(7)
          .pollInterval(Duration.ofSeconds(5)).listener(this::check).build();
    }

    void check(Rollout rollout, RolloutEvent event) {
      if (!watching) {
        return;
      }
      Map<String, List<Instance>> byZone = byZone();
      List<String> inFlight = byZone.entrySet().stream()
          .filter(e -> inFlight(e.getValue())).map(Map.Entry::getKey).toList();
      if (inFlight.size() > 1) {
        violations.add(event.type() + " at " + event.at() + ": zones in flight " + inFlight
            + " " + byZone);
      }
      minimum.forEach((zone, min) -> {
        long serving = byZone.getOrDefault(zone, List.of()).stream()
            .filter(i -> i.isHealthy() && !i.state().isDraining()).count();
        if (serving < min) {
          violations.add(event.type() + " at " + event.at() + ": zone " + zone + " serves "
              + serving + " < " + min + " " + byZone.get(zone));
        }
      });
      byZone.forEach((zone, live) -> {
        if (live.stream().anyMatch(i -> i.revision().equals(Fixtures.V2.revision()))) {
          started.putIfAbsent(zone, event.at());
        }
        if (live.stream().noneMatch(i -> i.revision().equals(Fixtures.V1.revision()))
            && !inFlight(live)) {
          finished.putIfAbsent(zone, event.at());
        }
      });
    }

    private static boolean inFlight(List<Instance> live) {
      boolean hasOld = live.stream().anyMatch(i -> i.revision().equals(Fixtures.V1.revision()));
      boolean hasNew = live.stream().anyMatch(i -> i.revision().equals(Fixtures.V2.revision()));
      return (hasOld && hasNew) || live.stream().anyMatch(i -> i.state().isDraining()
          || !i.isHealthy());
    }

    Map<String, List<Instance>> byZone() {
      return platform.instances(Fixtures.FLEET).stream().collect(Collectors.groupingBy(
          i -> i.labels().getOrDefault(OwnerLabels.ZONE, "-"), TreeMap::new,
          Collectors.toList()));
    }

    Map<String, Long> count(LaunchSpec spec) {
      return platform.instances(Fixtures.FLEET).stream()
          .filter(i -> i.revision().equals(spec.revision()))
          .collect(Collectors.groupingBy(i -> i.labels().getOrDefault(OwnerLabels.ZONE, "-"),
              TreeMap::new, Collectors.counting()));
    }

    void deployV1(int capacity) {
      Rollout r = engine.run(Fixtures.rollout(Fixtures.V1, capacity).build());
      assertThat(r.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    }

    /** Watches from now on, with each zone's minimum resolved against its size now. */
    void watch(ZonalRollout zonal) {
      Map<String, Integer> min = new TreeMap<>();
      byZone().forEach((zone, live) -> min.put(zone, Math.min(live.size(),
          zonal.minHealthy(live.size()))));
      minimum = min;
      watching = true;
    }
  }

  @Test
  void threeZonesGoOneAtATimeWithABakeBetweenAndKeepTheirMinimum() {
    ZonedFleet f = new ZonedFleet(InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)), "a", "b", "c");
    f.deployV1(9);
    assertThat(f.count(Fixtures.V1)).containsExactly(Map.entry("a", 3L), Map.entry("b", 3L),
        Map.entry("c", 3L));
    ZonalRollout zonal = ZonalRollout.of(BAKE, Amount.of(2));
    f.watch(zonal);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 9)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(1)).withZones(zonal)).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.violations).isEmpty();
    assertThat(f.count(Fixtures.V2)).as("each zone replaced in place")
        .containsExactly(Map.entry("a", 3L), Map.entry("b", 3L), Map.entry("c", 3L));
    assertThat(f.count(Fixtures.V1)).isEmpty();
    assertThat(f.started.get("b")).as("b starts a bake after a is done")
        .isAfterOrEqualTo(f.finished.get("a").plus(BAKE));
    assertThat(f.started.get("c")).as("c starts a bake after b is done")
        .isAfterOrEqualTo(f.finished.get("b").plus(BAKE));
    assertThat(done.history()).filteredOn(e -> e.message().contains("wait=TIMED_PAUSE"))
        .extracting(RolloutEvent::message).hasSize(2)
        .allSatisfy(m -> assertThat(m).contains("bakes 5m00s"));
  }

  @Test
  void thePlanRunsTheZonalPlannerOnACopyWithItsZonesAndBakes() {
    ZonedFleet f = new ZonedFleet(InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)), "a", "b", "c");
    f.deployV1(9);
    long launches = f.platform.callCount("launch");

    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 9)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withZones(ZonalRollout.of(BAKE, Amount.of(2)))).build());

    assertThat(plan.expectedDuration()).as("two bakes and nine launches one at a time")
        .isGreaterThan(BAKE.multipliedBy(2)).isLessThan(BAKE.multipliedBy(4));
    assertThat(plan.peakInstances()).isEqualTo(10);
    assertThat(f.platform.callCount("launch")).as("the real platform").isEqualTo(launches);
  }

  /** Seeded random fleets: sizes, zones, limits, minimums, bakes and latencies. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void holdsForRandomFleets(long seed) {
    Random random = new Random(seed);
    String[] zones = Stream.of("a", "b", "c", "d").limit(1 + random.nextInt(4))
        .toArray(String[]::new);
    int capacity = zones.length + random.nextInt(12);
    int surge = random.nextInt(3);
    int unavailable = (surge == 0 ? 1 : 0) + random.nextInt(2);
    Amount min = random.nextBoolean() ? Amount.of(random.nextInt(3))
        : Amount.percent(25 * random.nextInt(surge == 0 ? 4 : 5));
    ZonalRollout zonal = ZonalRollout.of(Duration.ofSeconds(random.nextInt(3) * 120L), min);
    ZonedFleet f = new ZonedFleet(InstanceBehavior.healthy(
        Duration.ofSeconds(1 + random.nextInt(40)), Duration.ofSeconds(random.nextInt(20)))
        .withDrainTime(Duration.ofSeconds(random.nextInt(15))), zones);
    f.deployV1(capacity);
    Map<String, Long> before = f.count(Fixtures.V1);
    boolean stuck = surge == 0 && before.values().stream()
        .anyMatch(size -> size <= zonal.minHealthy(size.intValue()));
    f.watch(zonal);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, capacity)
        .strategy(RollingUpdate.of(Amount.of(surge), Amount.of(unavailable)).withZones(zonal))
        .build());

    String what = "seed " + seed + ": zones " + before + " surge " + surge + " unavailable "
        + unavailable + " " + zonal;
    assertThat(f.violations).as(what).isEmpty();
    if (stuck) {
      assertThat(done.phase()).as(what).isEqualTo(RolloutPhase.ROLLED_BACK);
      assertThat(done.reason()).as(what).hasValueSatisfying(r -> assertThat(r)
          .contains("cannot be replaced").contains("minHealthyPerZone"));
      assertThat(f.count(Fixtures.V1)).as(what).isEqualTo(before);
    } else {
      assertThat(done.phase()).as(what).isEqualTo(RolloutPhase.SUCCEEDED);
      assertThat(f.count(Fixtures.V2)).as(what).isEqualTo(before);
    }
  }

  static Stream<Long> seeds() {
    return new Random(20261204L).longs(30).boxed();
  }

  @Test
  void aMinimumThatCanNeverBeKeptIsRefusedBeforeAnythingLaunches() {
    ZonedFleet f = new ZonedFleet(InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)), "a", "b");
    f.deployV1(4);
    long launches = f.platform.callCount("launch");

    assertThatThrownBy(() -> RollingUpdate.of(Amount.of(0), Amount.of(1))
        .withZones(ZonalRollout.of(BAKE, Amount.percent(100))))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("zones.minHealthyPerZone"));
    assertThatThrownBy(() -> ZonalRollout.of(Duration.ofSeconds(-1), Amount.of(1)))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("bake"));
    assertThatThrownBy(() -> ZonalRollout.of(BAKE, Amount.percent(101)))
        .isInstanceOf(InvalidSpecException.class);

    // zones of 2 with a minimum of 2 and no surge: refused at the first decision
    f.watch(ZonalRollout.of(BAKE, Amount.of(2)));
    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(RollingUpdate.of(Amount.of(0), Amount.of(1))
            .withZones(ZonalRollout.of(BAKE, Amount.of(2)))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("zone a of 2 instances cannot be replaced: minHealthyPerZone 2"));
    assertThat(f.platform.callCount("launch")).isEqualTo(launches);
    assertThat(f.platform.callCount("drain")).isZero();
  }

  @Test
  void aCanaryPromotionAndAReconcileRefuseZones() {
    RollingUpdate zonal = RollingUpdate.defaults().withZones(ZonalRollout.of(BAKE, Amount.of(1)));

    assertThatThrownBy(() -> Canary.of(CanaryStep.setWeight(10)).withPromotion(zonal))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("promotion.zones"));
    assertThatThrownBy(() -> ReconcileSpec.builder(Fixtures.FLEET).capacity(3)
        .declared(Fixtures.V2).rolling(zonal).build())
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("rolling.zones"));
  }

  @Test
  void theInMemoryProviderSpreadsRoundRobinPerFleetAndPlacesARequestedZone() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).zones("a", "b", "c").build();

    List<Instance> spread = platform.launch(new LaunchRequest("web", Fixtures.V1, 4, "ro-1",
        "k-1"));
    List<Instance> other = platform.launch(new LaunchRequest("api", Fixtures.V1, 1, "ro-2",
        "k-2"));
    List<Instance> placed = platform.launch(new LaunchRequest("web", Fixtures.V1, 2, "ro-1",
        "k-3").inZone("z"));

    assertThat(spread).extracting(i -> i.labels().get(OwnerLabels.ZONE))
        .containsExactly("a", "b", "c", "a");
    assertThat(other).extracting(i -> i.labels().get(OwnerLabels.ZONE)).containsExactly("a");
    assertThat(placed).extracting(i -> i.labels().get(OwnerLabels.ZONE))
        .containsExactly("z", "z");
    assertThat(InMemoryProvider.builder(time).build().launch(new LaunchRequest("web",
        Fixtures.V1, 1, "ro-1", "k-1")).get(0).labels()).doesNotContainKey(OwnerLabels.ZONE);
    assertThatThrownBy(() -> InMemoryProvider.builder(time).zones("a", "a"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("zones"));
  }

  @Test
  void aFleetWithoutZonesRollsAsWithoutTheZonalMode() {
    Duration plain = rollUnzoned(RollingUpdate.of(Amount.of(2), Amount.of(0)));
    Duration zonal = rollUnzoned(RollingUpdate.of(Amount.of(2), Amount.of(0))
        .withZones(ZonalRollout.of(BAKE, Amount.percent(50))));

    assertThat(zonal).isEqualTo(plain).isLessThan(BAKE);
  }

  private static Duration rollUnzoned(RollingUpdate strategy) {
    ZonedFleet f = new ZonedFleet(InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)));
    f.deployV1(6);
    Instant start = f.time.clock().instant();
    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 6).strategy(strategy).build());
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(f.count(Fixtures.V2)).containsExactly(Map.entry("-", 6L));
    return Duration.between(start, f.time.clock().instant());
  }
}
