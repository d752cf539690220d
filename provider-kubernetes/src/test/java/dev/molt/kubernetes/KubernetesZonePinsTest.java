package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 4 and 18: a launch asking for a zone scales its revision's ReplicaSet for that
 * zone, whose pods the (fake) scheduler binds only to nodes of the zone; terminate, observe and
 * the router's per-revision Service work across a revision's zones. On the mock API server with
 * Nodes made by the test.
 */
class KubernetesZonePinsTest {
  private static final String FLEET = "shop";
  private static final LaunchSpec SPEC =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private static final Revision REV = SPEC.revision();
  private static final String A = "eu-west-1a";
  private static final String B = "eu-west-1b";
  private MockCluster cluster = new MockCluster(Duration.ofMillis(30));
  private KubernetesProvider provider = cluster.provider();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void nodes(Map<String, String> zoneByNode) {
    zoneByNode.forEach((name, zone) -> cluster.client.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(name).addToLabels(NodeZones.NODE_LABEL, zone).endMetadata()
        .build()).create());
    cluster.kubelet.scheduleOnto(List.copyOf(new TreeMap<>(zoneByNode).keySet()));
  }

  private List<Instance> launch(int count, String key, Optional<String> zone) {
    LaunchRequest request = new LaunchRequest(FLEET, SPEC, count, "ro-1", key);
    return cluster.launchAndAwait(provider, zone.map(request::inZone).orElse(request));
  }

  private ReplicaSet replicaSet(String name) {
    return cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE).withName(name)
        .get();
  }

  private Map<String, Integer> replicasByName() {
    return cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withLabel(OwnerLabels.FLEET, FLEET).list().getItems().stream().collect(Collectors.toMap(
            rs -> rs.getMetadata().getName(), rs -> rs.getSpec().getReplicas(), (x, y) -> x,
            TreeMap::new));
  }

  private String nodeOf(String pod) {
    return cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(pod).get()
        .getSpec().getNodeName();
  }

  @Test
  void aZonedLaunchScalesItsZonesReplicaSetAndItsPodsRunOnlyOnThatZonesNodes() {
    nodes(Map.of("node-a1", A, "node-a2", A, "node-b1", B));
    List<Instance> inA = launch(3, "key-a", Optional.of(A));
    List<Instance> inB = launch(1, "key-b", Optional.of(B));
    List<Instance> anywhere = launch(2, "key-any", Optional.empty());
    provider.launch(new LaunchRequest(FLEET, SPEC, 3, "ro-1", "key-a").inZone(A));
    cluster.kubelet.awaitIdle();

    String base = FLEET + "-" + REV.id();
    assertThat(replicasByName()).as("one ReplicaSet per zone asked for, the unzoned one apart;"
        + " the repeated request scaled nothing")
        .containsExactly(Map.entry(base, 2), Map.entry(base + "-" + A, 3),
            Map.entry(base + "-" + B, 1));
    ReplicaSet zoned = replicaSet(base + "-" + A);
    assertThat(zoned.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsExactly(Map.entry(NodeZones.NODE_LABEL, A));
    assertThat(zoned.getSpec().getSelector().getMatchLabels())
        .containsEntry(ZonePins.LABEL, A).containsEntry(OwnerLabels.REVISION, REV.id());
    assertThat(replicaSet(base).getSpec().getTemplate().getSpec().getNodeSelector())
        .as("the unzoned ReplicaSet's pods go anywhere").isNullOrEmpty();
    assertThat(inA).hasSize(3).allSatisfy(i -> {
      assertThat(nodeOf(i.id())).isIn("node-a1", "node-a2");
      assertThat(i.labels()).containsEntry(OwnerLabels.ZONE, A);
    });
    assertThat(inB).singleElement().satisfies(i -> assertThat(nodeOf(i.id()))
        .isEqualTo("node-b1"));
    assertThat(provider.observe(FLEET)).hasSize(6).allSatisfy(i ->
        assertThat(i.labels()).containsKey(OwnerLabels.ZONE));
    assertThat(anywhere).hasSize(2);
  }

  @Test
  void terminatingChosenPodsScalesDownTheirOwnZonesReplicaSetOnly() {
    nodes(Map.of("node-a1", A, "node-b1", B));
    List<Instance> inA = launch(2, "key-a", Optional.of(A));
    launch(2, "key-b", Optional.of(B));
    launch(1, "key-any", Optional.empty());
    String base = FLEET + "-" + REV.id();

    provider.terminate(FLEET, List.of(inA.get(0)));
    cluster.kubelet.awaitIdle();
    assertThat(replicasByName()).containsExactly(Map.entry(base, 1),
        Map.entry(base + "-" + A, 1), Map.entry(base + "-" + B, 2));
    provider.terminate(FLEET, List.of(inA.get(1)));
    cluster.kubelet.awaitIdle();

    assertThat(replicasByName()).as("zone a's ReplicaSet is deleted at 0")
        .containsExactly(Map.entry(base, 1), Map.entry(base + "-" + B, 2));
    assertThat(provider.observe(FLEET)).hasSize(3).extracting(i -> i.labels()
        .get(OwnerLabels.ZONE)).containsOnly(A, B).containsOnlyOnce(A);
  }

  @Test
  void aPinnedPodNoNodeOfItsZoneCanTakeStaysPendingAndIsReportedInItsZone() {
    nodes(Map.of("node-a1", A));
    launch(1, "key-b", Optional.of(B));

    assertThat(provider.observe(FLEET)).singleElement().satisfies(i -> {
      assertThat(i.id()).doesNotContain(PendingPods.MARK);
      assertThat(nodeOf(i.id())).as("unbound").isNull();
      assertThat(i.state()).isEqualTo(InstanceState.LAUNCHING);
      assertThat(i.labels()).containsEntry(OwnerLabels.ZONE, B);
    });
  }

  @Test
  void replicasTheControllerHasNotMadeYetAreReportedInTheirPinnedZone() {
    cluster.close();
    cluster = MockCluster.withoutControllers();
    provider = cluster.provider();

    provider.launch(new LaunchRequest(FLEET, SPEC, 2, "ro-1", "key-b").inZone(B));

    assertThat(provider.observe(FLEET)).hasSize(2).allSatisfy(i -> {
      assertThat(i.id()).startsWith(FLEET + "-" + REV.id() + "-" + B + PendingPods.MARK);
      assertThat(i.labels()).containsEntry(OwnerLabels.ZONE, B);
    });
  }

  @Test
  void aRevisionsServiceSelectsItsPodsInEveryZone() {
    cluster.close();
    cluster = new MockCluster(Duration.ofMillis(30));
    provider = cluster.routedProvider(GatewayRoute.of("public", 8080));
    nodes(Map.of("node-a1", A, "node-b1", B));
    List<Instance> all = new java.util.ArrayList<>(launch(1, "key-a", Optional.of(A)));
    all.addAll(launch(1, "key-b", Optional.of(B)));
    all.addAll(launch(1, "key-any", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> provider.observe(FLEET).stream()
        .allMatch(i -> i.state() == InstanceState.RUNNING));

    provider.router().orElseThrow().setWeights(FLEET, Map.of(REV, 100));

    Service service = cluster.service(RouteMapping.revisionService(FLEET, REV));
    List<String> selected = cluster.client.pods().inNamespace(MockCluster.NAMESPACE).list()
        .getItems().stream().filter(p -> p.getMetadata().getLabels().entrySet()
            .containsAll(service.getSpec().getSelector().entrySet()))
        .map(p -> p.getMetadata().getName()).toList();
    assertThat(selected).containsExactlyInAnyOrderElementsOf(
        all.stream().map(Instance::id).toList());
  }

  @Test
  void aZoneThatCannotBeALabelValueIsRefusedBeforeAnythingIsCreated() {
    LaunchRequest request = new LaunchRequest(FLEET, SPEC, 1, "ro-1", "key-1")
        .inZone("eu west 1a");

    assertThatThrownBy(() -> provider.launch(request))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.getMessage())
            .contains("zone").contains("'eu west 1a'"));
    assertThat(replicasByName()).isEmpty();
  }

  @Test
  void aZoneThatCannotNameAReplicaSetIsNamedByItsHash() {
    String upper = ZonePins.replicaSetName(FLEET, REV, Optional.of("Zone_A"));
    String lower = ZonePins.replicaSetName(FLEET, REV, Optional.of("zone-a"));

    assertThat(lower).isEqualTo(FLEET + "-" + REV.id() + "-zone-a");
    assertThat(upper).matches(FLEET + "-" + REV.id() + "-z[0-9a-f]{10}")
        .isNotEqualTo(ZonePins.replicaSetName(FLEET, REV, Optional.of("Zone_B")));
    assertThat(ZonePins.replicaSetName(FLEET, REV, Optional.empty()))
        .isEqualTo(FLEET + "-" + REV.id());
  }
}
