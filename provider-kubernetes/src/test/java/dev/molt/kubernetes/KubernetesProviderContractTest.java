package dev.molt.kubernetes;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.spi.Provider;
import dev.molt.testkit.conformance.ProviderContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

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
    cluster = new MockCluster(Duration.ofMillis(50));
    return cluster.provider();
  }

  @Override
  protected LaunchSpec launchSpec() {
    return spec(V1);
  }

  @Override
  protected Duration healthDeadline() {
    return Duration.ofSeconds(10);
  }

  @Override
  protected boolean await(BooleanSupplier condition, Duration deadline) {
    return pollUntil(condition, deadline, Duration.ofMillis(20));
  }

  /** A running pod with the fleet's label but not Molt's manager label. */
  @Override
  protected String createForeignInstance(String fleet) {
    String name = fleet + "-foreign-" + (++foreign);
    Pod pod = new PodBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of(OwnerLabels.FLEET, fleet, "app", "not-molt")).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(V1.reference()).endContainer()
        .endSpec().withNewStatus().withPhase("Running").withPodIP("10.9.9.9").endStatus().build();
    cluster.client.pods().inNamespace(MockCluster.NAMESPACE).resource(pod).create();
    return name;
  }

  @Override
  protected boolean exists(String instanceId) {
    Pod pod = cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(instanceId).get();
    return pod != null && pod.getMetadata().getDeletionTimestamp() == null;
  }

  @Override
  protected void cleanUp(Provider tested) {
    cluster.close();
  }
}
