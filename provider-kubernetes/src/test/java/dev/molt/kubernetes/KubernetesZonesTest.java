package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 (and 16): every pod carries its zone, {@code molt.dev/zone} (the AWS provider's label
 * key), read from the {@code topology.kubernetes.io/zone} label of the Node it is scheduled on, on
 * the mock API server with Nodes made by the test.
 */
class KubernetesZonesTest {
  private static final String FLEET = "shop";
  private static final LaunchSpec SPEC =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private final MockCluster cluster = new MockCluster(Duration.ofMillis(30));
  private final KubernetesProvider provider = cluster.provider();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void node(String name, Optional<String> zone) {
    NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).endMetadata();
    zone.ifPresent(z -> node.editMetadata().addToLabels(NodeZones.NODE_LABEL, z).endMetadata());
    cluster.client.nodes().resource(node.build()).create();
  }

  private static Map<String, String> zoneById(List<Instance> instances) {
    return instances.stream().collect(Collectors.toMap(Instance::id,
        i -> i.labels().getOrDefault(PodView.ZONE, "none")));
  }

  @Test
  void everyScheduledPodCarriesItsNodesZoneAndAnUnscheduledOneNone() {
    node("node-a", Optional.of("eu-west-1a"));
    node("node-b", Optional.of("eu-west-1b"));
    node("node-c", Optional.empty());
    cluster.kubelet.scheduleOnto(List.of("node-a", "node-b", "node-c"));

    List<Instance> launched = cluster.launchAndAwait(provider,
        new LaunchRequest(FLEET, SPEC, 3, "ro-1", "key-1"));
    cluster.kubelet.scheduleOnto(List.of());
    cluster.launchAndAwait(provider, new LaunchRequest(FLEET, SPEC, 1, "ro-1", "key-2"));

    Map<String, String> nodes = provider.observe(FLEET).stream().collect(Collectors.toMap(
        Instance::id, i -> String.valueOf(cluster.client.pods().inNamespace(MockCluster.NAMESPACE)
            .withName(i.id()).get().getSpec().getNodeName())));
    assertThat(nodes.values()).containsExactlyInAnyOrder("node-a", "node-b", "node-c", "null");
    Map<String, String> expected = Map.of("node-a", "eu-west-1a", "node-b", "eu-west-1b");
    assertThat(zoneById(provider.observe(FLEET))).allSatisfy((id, zone) -> assertThat(zone)
        .as("zone of %s on %s", id, nodes.get(id))
        .isEqualTo(expected.getOrDefault(nodes.get(id), "none")));
    assertThat(zoneById(launched)).containsValues("eu-west-1a", "eu-west-1b");
  }

  @Test
  void eachNodeIsReadOnceAndALabelSetOnThePodIsNotBelieved() {
    node("node-a", Optional.of("eu-west-1a"));
    cluster.kubelet.scheduleOnto(List.of("node-a"));
    Instance one = cluster.launchAndAwait(provider,
        new LaunchRequest(FLEET, SPEC, 2, "ro-1", "key-1")).get(0);
    // the fake kubelet's own calls (starting the pods) must be over before counting ours
    await().atMost(Duration.ofSeconds(30)).until(() -> provider.observe(FLEET).stream()
        .filter(i -> i.state() == InstanceState.RUNNING).count() == 2);
    cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(one.id())
        .edit(p -> new PodBuilder(p).editMetadata().addToLabels(PodView.ZONE, "moon-1")
            .endMetadata().build());
    provider.observe(FLEET);

    int before = cluster.server.getRequestCount();
    List<Instance> seen = provider.observe(FLEET);

    assertThat(cluster.server.getRequestCount() - before).as("pods and ReplicaSets, no Node")
        .isEqualTo(2);
    assertThat(zoneById(seen)).containsOnly(Map.entry(seen.get(0).id(), "eu-west-1a"),
        Map.entry(seen.get(1).id(), "eu-west-1a"));
  }

  @Test
  void theCacheIsBoundedAndForgetsTheLeastRecentlyUsedNode() {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      node(n, Optional.of("zone-" + n));
    }
    NodeZones zones = new NodeZones(cluster.client, 2);
    int start = cluster.server.getRequestCount();

    for (String n : List.of("node-a", "node-b", "node-a", "node-c", "node-a", "node-b")) {
      assertThat(zones.of("observe", onNode(n))).contains("zone-" + n);
    }

    assertThat(cluster.server.getRequestCount() - start)
        .as("a, b, then c evicts b (a was used last), then b again").isEqualTo(4);
  }

  private static PodView onNode(String node) {
    return new PodView(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewSpec().withNodeName(node).endSpec().build());
  }
}
