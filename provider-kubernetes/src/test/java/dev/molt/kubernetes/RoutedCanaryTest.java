package dev.molt.kubernetes;

import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.spi.Health;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real engine, in real time, running a canary on the mock API server with the HTTPRoute
 * router: the route's weights go 90/10, then 0/100, and the fleet ends on v2. A watch on the
 * HTTPRoute records every split the route has carried.
 */
class RoutedCanaryTest {
  private static final String FLEET = "web";
  private static final LaunchSpec V1 =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private static final LaunchSpec V2 =
      KubernetesProviderContractTest.spec(KubernetesRoutedProviderContractTest.V2);
  private final MockCluster cluster = new MockCluster(Duration.ofMillis(100));
  private final KubernetesProvider provider =
      cluster.routedProvider(GatewayRoute.of("public", 8080));
  private final RolloutEngine engine =
      RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100)).build();
  private final List<Map<Revision, Integer>> splits = new CopyOnWriteArrayList<>();
  private final Watch routeWatch = cluster.client.resources(HTTPRoute.class)
      .inNamespace(MockCluster.NAMESPACE).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, HTTPRoute route) {
          if (action != Action.DELETED) {
            splits.add(RouteMapping.weights(route, FLEET));
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      });

  @AfterEach
  void cleanUp() {
    routeWatch.close();
    engine.close();
    cluster.close();
  }

  /** @return the splits the route carried, in order, repeats of the one before dropped */
  private List<Map<Revision, Integer>> history() {
    List<Map<Revision, Integer>> out = new ArrayList<>();
    for (Map<Revision, Integer> s : splits) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void aCanaryMovesTheRoutesWeightsTo90Over10ThenTo0Over100AndEndsOnV2() {
    Revision v1 = V1.revision();
    Revision v2 = V2.revision();
    RollingUpdate limits = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(3));
    RolloutSpec onV1 = RolloutSpec.builder(FLEET).capacity(3).target(V1).strategy(limits)
        .drainTimeout(Duration.ofSeconds(5)).progressDeadline(Duration.ofSeconds(30)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    RolloutHandle canary = engine.start(onV1.toBuilder().target(V2)
        .strategy(Canary.of(setWeight(10), pauseUntilResumed()).withPromotion(limits)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> canary.current().step() == 1
        && provider.router().orElseThrow().weights(FLEET).equals(Map.of(v1, 90, v2, 10)));
    assertThat(cluster.route(FLEET).getSpec().getRules().get(0).getBackendRefs())
        .extracting(b -> b.getName() + "=" + b.getWeight())
        .containsExactly(FLEET + "-" + v1.id() + "=90", FLEET + "-" + v2.id() + "=10");

    canary.promote();
    Rollout done = canary.await();

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .containsExactly("traffic: " + v1.id() + "=90% " + v2.id() + "=10%",
            "traffic: " + v1.id() + "=0% " + v2.id() + "=100%");
    await().atMost(Duration.ofSeconds(5)).until(() -> !history().isEmpty()
        && history().get(history().size() - 1).equals(Map.of(v1, 0, v2, 100)));
    List<Map<Revision, Integer>> splitsSet = history();
    if (splitsSet.get(0).isEmpty()) {
      splitsSet.remove(0); // the route as the first launch created it, if the watch saw that
    }
    assertThat(splitsSet).as("the route's splits").containsExactly(Map.of(v1, 90, v2, 10),
        Map.of(v1, 0, v2, 100));

    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(3).allSatisfy(i -> assertThat(i.revision()).isEqualTo(v2));
    assertThat(provider.health(FLEET, fleet)).hasSize(3)
        .allSatisfy((id, h) -> assertThat(h).isEqualTo(Health.HEALTHY));
    // every v2 pod, the canary and those the promotion launched held, is behind v2's Service
    Service v2Service = cluster.service(FLEET + "-" + v2.id());
    List<Pod> pods = cluster.client.pods().inNamespace(MockCluster.NAMESPACE)
        .withLabel(OwnerLabels.FLEET, FLEET).list().getItems();
    assertThat(pods).hasSize(3).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
        .containsAllEntriesOf(v2Service.getSpec().getSelector()));
  }
}
