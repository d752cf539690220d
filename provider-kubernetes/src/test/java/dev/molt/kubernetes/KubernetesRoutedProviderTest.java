package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.HealthCheck;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.TrafficRouter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTPRoute router and the hold on a fresh mock API server per test. The mock has no
 * endpoints controller, so a Service's endpoints are computed here as a real one would: the
 * pods, not being deleted, whose labels include the Service's selector.
 */
class KubernetesRoutedProviderTest {
  private static final String FLEET = "shop";
  private static final LaunchSpec V1 =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private static final LaunchSpec V2 =
      KubernetesProviderContractTest.spec(KubernetesRoutedProviderContractTest.V2);
  private static final Revision R1 = V1.revision();
  private static final Revision R2 = V2.revision();
  private final MockCluster cluster = new MockCluster(Duration.ofMillis(30));
  private final KubernetesProvider provider =
      cluster.routedProvider(GatewayRoute.of("public", 8080).withRouteName(FLEET, "shop-route"));
  private final TrafficRouter router = provider.router().orElseThrow();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private List<Instance> launch(LaunchSpec spec, int count, String key, boolean hold) {
    return cluster.launchAndAwait(provider,
        new LaunchRequest(FLEET, spec, count, "ro-1", key, hold));
  }

  private void awaitHealthy(int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> provider.health(FLEET,
        provider.observe(FLEET)).values().stream().filter(h -> h == Health.HEALTHY).count()
        == count);
  }

  private HTTPRoute route() {
    return cluster.route("shop-route");
  }

  /** @return the route's backends as name=weight */
  private List<String> backends() {
    return route().getSpec().getRules().get(0).getBackendRefs().stream()
        .map(b -> b.getName() + "=" + b.getWeight()).toList();
  }

  /** @return the names of the pods a Service of that name selects, or empty if it is gone */
  private Optional<List<String>> endpoints(String service) {
    Service s = cluster.service(service);
    if (s == null) {
      return Optional.empty();
    }
    return Optional.of(cluster.client.pods().inNamespace(MockCluster.NAMESPACE).list()
        .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getMetadata().getLabels().entrySet()
            .containsAll(s.getSpec().getSelector().entrySet()))
        .map(p -> p.getMetadata().getName()).sorted().toList());
  }

  private static List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).sorted().toList();
  }

  private static String svc(Revision r) {
    return FLEET + "-" + r.id();
  }

  /** @return the HTTPRoute writes (create, update, patch) the API server has received */
  private List<RecordedRequest> routeWrites() throws InterruptedException {
    List<RecordedRequest> writes = new ArrayList<>();
    RecordedRequest r;
    while ((r = cluster.server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (r.getPath().contains("/httproutes") && !"GET".equals(r.getMethod())) {
        writes.add(r);
      }
    }
    return writes;
  }

  @Test
  void theFirstLaunchCreatesTheSharedServiceAndAnOwnedRouteSendingThere() {
    List<Instance> v1 = launch(V1, 2, "k1", false);
    awaitHealthy(2);

    HTTPRoute route = route();
    assertThat(route.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(OwnerLabels.FLEET, FLEET);
    assertThat(route.getSpec().getParentRefs()).singleElement()
        .satisfies(p -> assertThat(p.getName()).isEqualTo("public"));
    assertThat(backends()).containsExactly("shop-shared=1");
    assertThat(cluster.service("shop-shared").getMetadata().getLabels())
        .containsEntry(OwnerLabels.MANAGED_BY, "molt");
    assertThat(endpoints("shop-shared")).contains(ids(v1));
    assertThat(router.weights(FLEET)).isEmpty();
  }

  @Test
  void heldPodsGetNoShareUntilASplitEndsTheHoldAndAnEmptySplitSharesEvenly() {
    List<Instance> v1 = launch(V1, 2, "k1", false);
    List<Instance> v2 = launch(V2, 1, "k2", true);
    awaitHealthy(3);

    assertThat(endpoints("shop-shared")).as("held v2 pod is not shared").contains(ids(v1));
    assertThat(router.weights(FLEET)).isEmpty();

    router.setWeights(FLEET, Map.of(R1, 90, R2, 10));

    assertThat(backends()).containsExactly(svc(R1) + "=90", svc(R2) + "=10");
    assertThat(router.weights(FLEET)).isEqualTo(Map.of(R1, 90, R2, 10));
    assertThat(endpoints(svc(R1))).contains(ids(v1));
    assertThat(endpoints(svc(R2))).contains(ids(v2));
    Pod held = cluster.client.pods().inNamespace(MockCluster.NAMESPACE)
        .withName(v2.get(0).id()).get();
    assertThat(held.getMetadata().getLabels()).as("the split ended the hold")
        .containsEntry(RouteMapping.HELD, "false");
    ReplicaSet rs = cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withName(svc(R2)).get();
    assertThat(rs.getSpec().getTemplate().getMetadata().getLabels())
        .as("pods made from now on are not held").containsEntry(RouteMapping.HELD, "false");

    router.setWeights(FLEET, Map.of());

    assertThat(backends()).containsExactly("shop-shared=1");
    assertThat(router.weights(FLEET)).isEmpty();
    List<Instance> all = new ArrayList<>(v1);
    all.addAll(v2);
    assertThat(endpoints("shop-shared")).as("even sharing").contains(ids(all));
    assertThat(endpoints(svc(R1))).as("unrouted revision Service removed").isEmpty();
    assertThat(endpoints(svc(R2))).isEmpty();
  }

  @Test
  void aDrainedPodLeavesItsRevisionService() {
    List<Instance> v1 = launch(V1, 2, "k1", false);
    awaitHealthy(2);
    router.setWeights(FLEET, Map.of(R1, 100));

    provider.drain(FLEET, List.of(v1.get(0)));

    assertThat(endpoints(svc(R1))).contains(List.of(v1.get(1).id()));
  }

  @Test
  void podsMadeBeforeTheFleetWasRoutedJoinTheSharedServiceAtTheFirstRoutedLaunch() {
    KubernetesProvider plain = cluster.provider();
    List<Instance> old = cluster.launchAndAwait(plain,
        new LaunchRequest(FLEET, V1, 2, "ro-0", "k0"));
    // as an earlier version made them: no molt.dev/held label on the pods or the template
    String unlabel = "[{\"op\":\"remove\",\"path\":\"/metadata/labels/molt.dev~1held\"}]";
    old.forEach(i -> cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(i.id())
        .patch(PatchContext.of(PatchType.JSON), unlabel));
    cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE).withName(svc(R1))
        .patch(PatchContext.of(PatchType.JSON),
            "[{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/molt.dev~1held\"}]");
    awaitHealthy(2);

    List<Instance> canary = launch(V2, 1, "k1", true);

    assertThat(endpoints("shop-shared")).as("old pods shared, the held canary not")
        .contains(ids(old));
    assertThat(cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withName(svc(R1)).get().getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(RouteMapping.HELD, "false");
    assertThat(canary).hasSize(1);
  }

  @Test
  void withoutARouterHoldTrafficIsIgnored() {
    KubernetesProvider plain = cluster.provider();
    assertThat(plain.router()).isEmpty();

    Instance pod = cluster.launchAndAwait(plain,
        new LaunchRequest("plain", V1, 1, "ro-1", "k1", true)).get(0);

    assertThat(cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(pod.id()).get()
        .getMetadata().getLabels()).containsEntry(RouteMapping.HELD, "false");
    assertThat(cluster.route("plain")).as("no route without a router").isNull();
  }

  @Test
  void aSplitIsOneWriteOfTheRoute() throws InterruptedException {
    launch(V1, 1, "k1", false);
    launch(V2, 1, "k2", false);
    router.setWeights(FLEET, Map.of(R1, 100, R2, 0));
    routeWrites();

    router.setWeights(FLEET, Map.of(R1, 50, R2, 50));

    // one update (its resourceVersion guard: aRouteChangedSinceItWasRead...)
    assertThat(routeWrites()).extracting(RecordedRequest::getMethod).containsExactly("PUT");
    assertThat(router.weights(FLEET)).isEqualTo(Map.of(R1, 50, R2, 50));
  }

  @Test
  void aRouteTheGatewayRejectedFailsTheStepInTheGatewaysWords() {
    launch(V1, 1, "k1", false);
    launch(V2, 1, "k2", false);
    router.setWeights(FLEET, Map.of(R1, 100, R2, 0));
    HTTPRoute read = route();
    cluster.client.resources(HTTPRoute.class).inNamespace(MockCluster.NAMESPACE)
        .resource(new HTTPRouteBuilder(read).withNewStatus().addNewParent()
            .withNewParentRef().withName("public").endParentRef()
            .withControllerName("example.net/gateway")
            .addToConditions(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType("Accepted").withStatus("False").withReason("NotAllowedByListeners")
                .withMessage("no listener allows this route")
                .withLastTransitionTime("2026-12-03T12:00:00Z")
                .withObservedGeneration(read.getMetadata().getGeneration()).build())
            .endParent().endStatus().build())
        .update();

    assertThatThrownBy(() -> router.weights(FLEET))
        .isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.retryable()).as("retryable").isFalse())
        .hasMessageContaining("the Gateway rejected HTTPRoute shop-route: Accepted=False"
            + " NotAllowedByListeners: no listener allows this route (parent public)");

    // a new generation the Gateway has not judged yet is not taken for rejected
    router.setWeights(FLEET, Map.of(R1, 50, R2, 50));
    assertThat(route().getMetadata().getGeneration())
        .isGreaterThan(read.getMetadata().getGeneration());
    assertThat(router.weights(FLEET)).isEqualTo(Map.of(R1, 50, R2, 50));
  }

  @Test
  void aRouteChangedSinceItWasReadFailsRetryablyAndKeepsTheOtherWritersChange() {
    launch(V1, 1, "k1", false);
    launch(V2, 1, "k2", false);
    router.setWeights(FLEET, Map.of(R1, 100, R2, 0));
    HTTPRoute read = route();
    cluster.client.resources(HTTPRoute.class).inNamespace(MockCluster.NAMESPACE)
        .resource(new HTTPRouteBuilder(read).editMetadata()
            .addToAnnotations("owner-note", "someone else").endMetadata().build())
        .update();

    assertThatThrownBy(() -> ((HttpRouteRouter) router).apply(FLEET, Map.of(R1, 0, R2, 100),
        Optional.of(read)))
        .isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.retryable()).as("retryable").isTrue())
        .hasMessageContaining("409");

    assertThat(router.weights(FLEET)).isEqualTo(Map.of(R1, 100, R2, 0));
    assertThat(route().getMetadata().getAnnotations()).containsEntry("owner-note",
        "someone else");
    router.setWeights(FLEET, Map.of(R1, 0, R2, 100));
    assertThat(router.weights(FLEET)).as("a fresh read succeeds").isEqualTo(Map.of(R1, 0, R2, 100));
  }

  @Test
  void aRouteWithoutOwnerLabelsIsRefusedAndNeverChanged() {
    HTTPRoute foreign = new HTTPRouteBuilder().withNewMetadata().withName("shop-route")
        .withNamespace(MockCluster.NAMESPACE).addToLabels("app", "shop").endMetadata()
        .withNewSpec().addNewRule().addNewBackendRef().withName("legacy").withPort(80)
        .withWeight(1).endBackendRef().endRule().endSpec().build();
    cluster.client.resources(HTTPRoute.class).inNamespace(MockCluster.NAMESPACE)
        .resource(foreign).create();
    String version = route().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> launch(V1, 1, "k1", false))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("shop-route").hasMessageContaining("owner labels");
    assertThat(cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withName(svc(R1)).get()).as("nothing launched").isNull();
    assertThatThrownBy(() -> router.setWeights(FLEET, Map.of(R1, 100)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("owner labels");
    assertThatThrownBy(() -> router.weights(FLEET)).isInstanceOf(ProviderException.class);

    assertThat(route().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(route().getSpec().getRules().get(0).getBackendRefs())
        .extracting(HTTPBackendRef::getName).containsExactly("legacy");
  }

  @Test
  void aForeignServiceNamedLikeARevisionServiceIsRefusedAndTheSplitIsUnchanged() {
    launch(V1, 1, "k1", false);
    cluster.client.services().inNamespace(MockCluster.NAMESPACE).resource(
        new ServiceBuilder().withNewMetadata().withName(svc(R1))
            .endMetadata().withNewSpec().addToSelector("app", "other").addNewPort().withPort(80)
            .endPort().endSpec().build()).create();

    assertThatThrownBy(() -> router.setWeights(FLEET, Map.of(R1, 100)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining(svc(R1));

    assertThat(router.weights(FLEET)).isEmpty();
    assertThat(cluster.service(svc(R1)).getSpec().getSelector()).isEqualTo(Map.of("app", "other"));
  }

  @Test
  void terminateRefusesTheWholeBatchIfAServingPodsRevisionHasWeightButNotAtZeroWeight() {
    Instance a = launch(V1, 1, "k1", false).get(0);
    Instance b = launch(V2, 1, "k2", false).get(0);
    awaitHealthy(2);
    router.setWeights(FLEET, Map.of(R1, 0, R2, 100));

    assertThatThrownBy(() -> provider.terminate(FLEET, List.of(a, b)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining(b.id());
    assertThat(cluster.podExists(a.id())).as("nothing deleted").isTrue();
    assertThat(cluster.podExists(b.id())).isTrue();

    provider.terminate(FLEET, List.of(a));
    assertThat(cluster.podExists(a.id())).as("no weight: terminated").isFalse();
  }

  @Test
  void aSpecWithoutTheRoutesPortIsRefusedBeforeAnyCall() {
    LaunchSpec otherPort = LaunchSpec.builder(KubernetesProviderContractTest.V1).ports(9090)
        .healthCheck(HealthCheck.tcp(9090)).build();
    int before = cluster.server.getRequestCount();

    assertThatThrownBy(() -> launch(otherPort, 1, "k1", false))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("8080");
    assertThat(cluster.server.getRequestCount()).isEqualTo(before);
  }
}
