package dev.molt.kubernetes;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.HashMap;

/**
 * A fresh fabric8 mock API server in CRUD mode, a client of it, and a {@link FakeKubelet} playing
 * the ReplicaSet controller and kubelet on it. One per test.
 */
final class MockCluster implements AutoCloseable {
  static final String NAMESPACE = "molt-test";
  final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
      new HashMap<>(), new KubernetesCrudDispatcher(), false);
  final NamespacedKubernetesClient client;
  final FakeKubelet kubelet;

  MockCluster(Duration startDelay) {
    server.init();
    client = server.createClient();
    kubelet = new FakeKubelet(client, NAMESPACE, startDelay);
  }

  /** @return a provider on this cluster: short drain grace and pod wait, for tests */
  KubernetesProvider provider() {
    return KubernetesProvider.builder(client).namespace(NAMESPACE)
        .drainGrace(Duration.ofMillis(200)).podWait(Duration.ofSeconds(5)).build();
  }

  @Override
  public void close() {
    kubelet.close();
    client.close();
    server.destroy();
  }
}
