package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Health;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 4 on Kubernetes: the real engine, in real time (as {@link RollingUpdateTest}),
 * rolls a fleet of 6 spread over three zones' nodes from v1 to v2 zone by zone. At every event the
 * test reads the cluster: at most one zone is in flight (old and new side by side, or a pod not
 * ready or drained), each zone keeps its minimum, and each zone ends with as many v2 pods as it
 * had v1 pods, bound to its own nodes.
 */
class ZonalRollingUpdateTest {
  private static final String FLEET = "web";
  private static final Duration BAKE = Duration.ofMillis(500);
  private static final LaunchSpec V1 =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private static final LaunchSpec V2 = KubernetesProviderContractTest.spec(RollingUpdateTest.V2);
  private MockCluster cluster;
  private KubernetesProvider provider;
  private RolloutEngine engine;
  private RolloutSpec onV1;
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Instant> started = new TreeMap<>();
  private final Map<String, Instant> finished = new TreeMap<>();
  private volatile boolean watching;

  @BeforeEach
  void sixPodsOnV1InThreeZones() {
    cluster = new MockCluster(Duration.ofMillis(50)).withNodesInZones();
    provider = cluster.provider();
    engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100))
        .listener(this::check).build();
    onV1 = RolloutSpec.builder(FLEET).capacity(6).target(V1)
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))
            .withHealthyDeadline(Duration.ofSeconds(5)))
        .drainTimeout(Duration.ofSeconds(5)).progressDeadline(Duration.ofSeconds(60)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @AfterEach
  void cleanUp() {
    engine.close();
    cluster.close();
  }

  @Test
  void zoneByZoneEachZoneEndsWithItsCountOfV2AndNeverTwoZonesAreInFlight() {
    assertThat(count(V1)).as("v1 spread by the scheduler").containsExactly(
        Map.entry("eu-west-1a", 2L), Map.entry("eu-west-1b", 2L), Map.entry("eu-west-1c", 2L));
    watching = true;

    Rollout done = engine.run(onV1.toBuilder().target(V2).strategy(
        RollingUpdate.of(Amount.of(1), Amount.of(0)).withHealthyDeadline(Duration.ofSeconds(5))
            .withZones(ZonalRollout.of(BAKE, Amount.of(2)))).build());

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(violations).isEmpty();
    assertThat(count(V2)).as("each zone replaced in place").containsExactly(
        Map.entry("eu-west-1a", 2L), Map.entry("eu-west-1b", 2L), Map.entry("eu-west-1c", 2L));
    assertThat(count(V1)).isEmpty();
    assertThat(provider.observe(FLEET)).allSatisfy(i -> assertThat(
        cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(i.id()).get()
            .getSpec().getNodeName()).isEqualTo("node-" + i.labels().get(OwnerLabels.ZONE)));
    assertThat(started.get("eu-west-1b")).as("b starts a bake after a is done")
        .isAfterOrEqualTo(finished.get("eu-west-1a").plus(BAKE));
    assertThat(started.get("eu-west-1c")).as("c starts a bake after b is done")
        .isAfterOrEqualTo(finished.get("eu-west-1b").plus(BAKE));
    assertThat(cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withLabel(OwnerLabels.FLEET, FLEET).list().getItems())
        .extracting(rs -> rs.getMetadata().getName()).as("one v2 ReplicaSet per zone, no v1")
        .containsExactlyInAnyOrder(MockCluster.ZONES.stream()
            .map(z -> FLEET + "-" + V2.revision().id() + "-" + z).toArray(String[]::new));
  }

  /** Reads the cluster at each event of the rollout under test: the zone rules. */
  private void check(Rollout rollout, RolloutEvent event) {
    if (!watching) {
      return;
    }
    List<Instance> live = provider.observe(FLEET);
    Map<String, Health> health = provider.health(FLEET, live);
    Map<String, List<Instance>> byZone = live.stream().collect(Collectors.groupingBy(
        i -> i.labels().getOrDefault(OwnerLabels.ZONE, "-"), TreeMap::new, Collectors.toList()));
    List<String> inFlight = byZone.entrySet().stream()
        .filter(e -> inFlight(e.getValue(), health)).map(Map.Entry::getKey).toList();
    if (inFlight.size() > 1) {
      violations.add(event.type() + " at " + event.at() + ": zones in flight " + inFlight);
    }
    byZone.forEach((zone, pods) -> {
      long serving = pods.stream().filter(i -> ready(i, health)).count();
      if (serving < 2) {
        violations.add(event.type() + " at " + event.at() + ": zone " + zone + " serves "
            + serving + " < 2");
      }
      if (pods.stream().anyMatch(i -> i.revision().equals(V2.revision()))) {
        started.putIfAbsent(zone, event.at());
      }
      if (pods.stream().noneMatch(i -> i.revision().equals(V1.revision()))
          && !inFlight(pods, health)) {
        finished.putIfAbsent(zone, event.at());
      }
    });
  }

  private static boolean ready(Instance i, Map<String, Health> health) {
    return i.state() == InstanceState.RUNNING && health.get(i.id()) == Health.HEALTHY;
  }

  private static boolean inFlight(List<Instance> pods, Map<String, Health> health) {
    boolean hasOld = pods.stream().anyMatch(i -> i.revision().equals(V1.revision()));
    boolean hasNew = pods.stream().anyMatch(i -> i.revision().equals(V2.revision()));
    return (hasOld && hasNew) || pods.stream().anyMatch(i -> !ready(i, health));
  }

  private Map<String, Long> count(LaunchSpec spec) {
    return provider.observe(FLEET).stream().filter(i -> i.revision().equals(spec.revision()))
        .collect(Collectors.groupingBy(i -> i.labels().getOrDefault(OwnerLabels.ZONE, "-"),
            TreeMap::new, Collectors.counting()));
  }
}
