package dev.molt.kubernetes.store;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A fresh fabric8 mock API server in CRUD mode (it answers a write carrying a stale
 * resourceVersion, or a create of an existing name, with 409), and clients of it: each client is
 * another engine's connection. One per test.
 */
final class MockApi implements AutoCloseable {
  static final String NAMESPACE = "molt-store";
  final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
      new HashMap<>(), new KubernetesCrudDispatcher(), false);
  private final List<KubernetesClient> clients = new ArrayList<>();

  MockApi() {
    server.init();
  }

  /** @return a new client of the server */
  synchronized KubernetesClient client() {
    KubernetesClient client = server.createClient();
    clients.add(client);
    return client;
  }

  /** @return a new client whose every request passes {@code interceptor} */
  synchronized KubernetesClient client(Interceptor interceptor) {
    KubernetesClient client = server.createClient(b -> b.withHttpClientBuilderConsumer(
        h -> h.addOrReplaceInterceptor("test", interceptor)));
    clients.add(client);
    return client;
  }

  /** @return a store on a new client, in {@link #NAMESPACE} */
  KubernetesRolloutStore store() {
    return store(client());
  }

  /** @return a store on {@code client}, in {@link #NAMESPACE} */
  static KubernetesRolloutStore store(KubernetesClient client) {
    return KubernetesRolloutStore.builder(client).namespace(NAMESPACE).build();
  }

  @Override
  public synchronized void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}
