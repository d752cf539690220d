package dev.molt.kubernetes;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;
import dev.molt.testkit.conformance.ProviderContract;
import java.time.Duration;

/**
 * The test kit's provider contract on a fresh fabric8 mock API server per test, with {@link
 * FakeKubelet} playing the ReplicaSet controller and kubelet.
 */
class KubernetesProviderContractTest extends ProviderContract {
  static final Image V1 = Image.of("registry.example/web@sha256:" + "1".repeat(64), "v1");
  private MockCluster cluster;
  private int foreign;

  static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(8080).env("GREETING", "hello")
        .healthCheck(HealthCheck.http(8080, "/health")).build();
  }

  @Override
  protected Provider createProvider() {
    cluster = new MockCluster(Duration.ofMillis(50)).withNodesInZones();
    return cluster.provider();
  }

  @Override
  protected LaunchSpec launchSpec() {
    return spec(V1);
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

  /** A running pod with the fleet's label but not Molt's manager label. */
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
