package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.spi.Health;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real engine, in real time, rolling a fleet of 3 from v1 to v2 on the mock API server, with
 * {@link FakeKubelet} as controller and kubelet.
 */
class RollingUpdateTest {
  static final Image V2 = Image.of("registry.example/web@sha256:" + "2".repeat(64), "v2");
  private static final String FLEET = "web";
  private MockCluster cluster;
  private KubernetesProvider provider;
  private RolloutEngine engine;
  private RolloutSpec onV1;

  @BeforeEach
  void threePodsOnV1() {
    cluster = new MockCluster(Duration.ofMillis(100));
    provider = cluster.provider();
    engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100)).build();
    RollingUpdate rolling = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(3));
    onV1 = RolloutSpec.builder(FLEET).capacity(3).target(KubernetesProviderContractTest.spec(
        KubernetesProviderContractTest.V1)).strategy(rolling).drainTimeout(Duration.ofSeconds(5))
        .progressDeadline(Duration.ofSeconds(30)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @AfterEach
  void cleanUp() {
    engine.close();
    cluster.close();
  }

  @Test
  void rollingUpdateFromV1ToV2EndsWithThreeReadyPodsOfV2AndNoV1ReplicaSet() {
    LaunchSpec v2 = KubernetesProviderContractTest.spec(V2);
    LaunchSpec v1 = onV1.target();

    Rollout done = engine.run(onV1.withTarget(v2));

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(3)
        .allSatisfy(i -> assertThat(i.revision()).isEqualTo(v2.revision()));
    assertThat(provider.health(FLEET, fleet)).hasSize(3).containsOnlyKeys(
        fleet.stream().map(Instance::id).toList()).allSatisfy((id, h) ->
            assertThat(h).isEqualTo(Health.HEALTHY));
    var replicaSets = cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withLabel(OwnerLabels.FLEET, FLEET).list().getItems();
    assertThat(replicaSets).singleElement().satisfies(rs -> {
      assertThat(rs.getMetadata().getName()).isEqualTo(FLEET + "-" + v2.revision().id());
      assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
    });
    List<Pod> pods = cluster.client.pods().inNamespace(MockCluster.NAMESPACE)
        .withLabel(OwnerLabels.FLEET, FLEET).list().getItems();
    assertThat(pods).hasSize(3).allSatisfy(p -> {
      assertThat(p.getMetadata().getLabels()).containsEntry(PodTemplates.SERVING, "true")
          .containsEntry(OwnerLabels.REVISION, v2.revision().id())
          .doesNotContainEntry(OwnerLabels.REVISION, v1.revision().id());
      assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(V2.reference());
    });
  }

  @Test
  void aV2WhosePodsNeverBecomeReadyIsRolledBackAndV1KeepsServing() {
    LaunchSpec v2 = KubernetesProviderContractTest.spec(V2);
    cluster.kubelet.failReadiness(p -> v2.revision().id()
        .equals(p.getMetadata().getLabels().get(OwnerLabels.REVISION)));

    RollingUpdate oneReplacement = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(3)).withMaxReplacements(1);

    Rollout done = engine.run(onV1.toBuilder().target(v2).strategy(oneReplacement).build());

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.ROLLED_BACK);
    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(3)
        .allSatisfy(i -> assertThat(i.revision()).isEqualTo(onV1.target().revision()));
    assertThat(cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withName(FLEET + "-" + v2.revision().id()).get()).as("v2's ReplicaSet").isNull();
    assertThat(cluster.client.pods().inNamespace(MockCluster.NAMESPACE)
        .withLabels(Map.of(OwnerLabels.REVISION, v2.revision().id())).list().getItems())
        .isEmpty();
  }
}
