package dev.molt.kubernetes;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fresh fabric8 mock API server in CRUD mode, a client of it, and a {@link FakeKubelet} playing
 * the ReplicaSet controller, scheduler and kubelet on it. One per test.
 */
final class MockCluster implements AutoCloseable {
  static final String NAMESPACE = "molt-test";
  /** The zones of {@link #withNodesInZones()}'s nodes. */
  static final List<String> ZONES = List.of("eu-west-1a", "eu-west-1b", "eu-west-1c");
  final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
      new HashMap<>(), new KubernetesCrudDispatcher(), false);
  final NamespacedKubernetesClient client;
  final FakeKubelet kubelet;

  MockCluster(Duration startDelay) {
    this(Optional.of(startDelay));
  }

  private MockCluster(Optional<Duration> startDelay) {
    server.init();
    client = server.createClient();
    kubelet = startDelay.map(d -> new FakeKubelet(client, NAMESPACE, d)).orElse(null);
  }

  /**
   * @return a mock API server alone, as a cluster whose ReplicaSet controller never creates a pod
   *     (its {@link #kubelet} is null)
   */
  static MockCluster withoutControllers() {
    return new MockCluster(Optional.empty());
  }

  /**
   * Launches through {@code provider}, which names only the pods that exist when it returns, then
   * waits for the fake controller to create the rest.
   *
   * @return the pods the request's launch label marks, oldest first, as instances
   */
  List<Instance> launchAndAwait(KubernetesProvider provider, LaunchRequest request) {
    provider.launch(request);
    kubelet.awaitIdle();
    String key = PodTemplates.keyHash(request.requestKey());
    return provider.observe(request.fleet()).stream()
        .filter(i -> key.equals(i.labels().get(PodTemplates.LAUNCH)))
        .sorted(Comparator.comparing(Instance::launchedAt).thenComparing(Instance::id)).toList();
  }

  /**
   * Registers one Node per zone of {@link #ZONES}, {@code node-<zone>}, labelled with its zone
   * ({@code topology.kubernetes.io/zone}), and has the fake scheduler bind pods to them in turn.
   *
   * @return this cluster
   */
  MockCluster withNodesInZones() {
    List<String> names = new java.util.ArrayList<>();
    for (String zone : ZONES) {
      String name = "node-" + zone;
      client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
          .withName(name).addToLabels("kubernetes.io/hostname", name)
          .addToLabels(NodeZones.NODE_LABEL, zone).endMetadata().build()).create();
      names.add(name);
    }
    kubelet.scheduleOnto(names);
    return this;
  }

  /** @return a provider on this cluster: short drain grace, for tests */
  KubernetesProvider provider() {
    return builder().build();
  }

  /** @return a provider on this cluster with an HTTPRoute router on {@code route} */
  KubernetesProvider routedProvider(GatewayRoute route) {
    return builder().router(route).build();
  }

  private KubernetesProvider.Builder builder() {
    return KubernetesProvider.builder(client).namespace(NAMESPACE)
        .drainGrace(Duration.ofMillis(200));
  }

  /** @return the HTTPRoute of that name, or null */
  HTTPRoute route(String name) {
    return client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** @return the Service of that name, or null */
  Service service(String name) {
    return client.services().inNamespace(NAMESPACE).withName(name).get();
  }

  /**
   * Creates a running pod with the fleet's label but not Molt's manager label.
   *
   * @return its name
   */
  String createForeignPod(String fleet, String name) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of(OwnerLabels.FLEET, fleet, "app", "not-molt")).endMetadata()
        .withNewSpec().addNewContainer().withName("app")
        .withImage(KubernetesProviderContractTest.V1.reference()).endContainer()
        .endSpec().withNewStatus().withPhase("Running").withPodIP("10.9.9.9").endStatus().build();
    client.pods().inNamespace(NAMESPACE).resource(pod).create();
    return name;
  }

  /** @return whether the pod exists and is not being deleted */
  boolean podExists(String name) {
    Pod pod = client.pods().inNamespace(NAMESPACE).withName(name).get();
    return pod != null && pod.getMetadata().getDeletionTimestamp() == null;
  }

  @Override
  public void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    client.close();
    server.destroy();
  }
}
