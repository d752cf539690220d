package dev.molt.kubernetes;

import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;
import dev.molt.testkit.conformance.RoutedProviderContract;
import java.time.Duration;

/**
 * The test kit's routed provider contract (the provider contract plus the traffic clauses) on a
 * fresh fabric8 mock API server per test, the provider routing through a Gateway API HTTPRoute,
 * {@link FakeKubelet} playing the ReplicaSet controller and kubelet.
 */
class KubernetesRoutedProviderContractTest extends RoutedProviderContract {
  static final Image V2 = Image.of("registry.example/web@sha256:" + "2".repeat(64), "v2");
  private MockCluster cluster;
  private int foreign;

  @Override
  protected Provider createProvider() {
    cluster = new MockCluster(Duration.ofMillis(50)).withNodesInZones();
    return cluster.routedProvider(GatewayRoute.of("public", 8080));
  }

  @Override
  protected LaunchSpec launchSpec() {
    return KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  }

  @Override
  protected LaunchSpec otherLaunchSpec() {
    return KubernetesProviderContractTest.spec(V2);
  }

  /** One Node in each of them: a zoned launch's pods are bound to that zone's node. */
  @Override
  protected java.util.List<String> placementZones() {
    return MockCluster.ZONES;
  }

  @Override
  protected Duration healthDeadline() {
    return Duration.ofSeconds(10);
  }

  /** The pod's readiness probe starts failing: the kubelet turns its Ready condition False. */
  @Override
  protected void failHealth(String fleet, Instance instance) {
    cluster.kubelet.setReady(instance.id(), false);
  }

  @Override
  protected void restoreHealth(String fleet, Instance instance) {
    cluster.kubelet.setReady(instance.id(), true);
  }

  @Override
  protected String createForeignInstance(String fleet) {
    return cluster.createForeignPod(fleet, fleet + "-foreign-" + (++foreign));
  }

  @Override
  protected boolean exists(String instanceId) {
    return cluster.podExists(instanceId);
  }

  @Override
  protected void cleanUp(Provider tested) {
    cluster.close();
  }
}
