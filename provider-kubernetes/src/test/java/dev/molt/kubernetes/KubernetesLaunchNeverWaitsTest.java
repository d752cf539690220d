package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: {@code launch} returns at once, as the SPI promises, instead of waiting (up to 30 s
 * before) for the ReplicaSet controller to create pods. On the mock API server no controller runs,
 * so a launch that waited for pods would not come back within the deadline; one that does not
 * wait comes back at once, and a retry with the same key scales nothing.
 */
class KubernetesLaunchNeverWaitsTest {
  private static final String FLEET = "shop";
  private static final LaunchSpec SPEC =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  /** Far shorter than any wait for pods the provider ever had (30 s by default). */
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private final MockCluster cluster = MockCluster.withoutControllers();
  private final KubernetesProvider provider = KubernetesProvider.builder(cluster.client)
      .namespace(MockCluster.NAMESPACE).build();
  private final ExecutorService caller = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    caller.shutdownNow();
    cluster.close();
  }

  /** Calls launch on another thread; fails the test if it has not returned by the deadline. */
  private List<Instance> launchWithinDeadline(LaunchRequest request) throws Exception {
    return CompletableFuture.supplyAsync(() -> provider.launch(request), caller)
        .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ReplicaSet replicaSet() {
    return cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE)
        .withName(PodTemplates.replicaSetName(FLEET, SPEC.revision())).get();
  }

  @Test
  void launchReturnsAtOnceWhileNoControllerHasCreatedAPodAndARetryScalesNothing()
      throws Exception {
    LaunchRequest request = new LaunchRequest(FLEET, SPEC, 2, "ro-1", "key-1");

    List<Instance> first = launchWithinDeadline(request);
    List<Instance> retried = launchWithinDeadline(request);

    assertThat(first).as("no pod exists yet to name").isEmpty();
    assertThat(retried).isEmpty();
    assertThat(replicaSet().getSpec().getReplicas()).as("scaled up once").isEqualTo(2);
    assertThat(PodTemplates.appliedKeys(replicaSet()))
        .containsExactly(PodTemplates.keyHash("key-1"));
    assertThat(provider.observe(FLEET)).as("the replicas the controller has yet to make")
        .hasSize(2).allSatisfy(i -> {
          assertThat(i.state()).isEqualTo(InstanceState.LAUNCHING);
          assertThat(i.id()).startsWith(replicaSet().getMetadata().getName() + "/pending-");
          assertThat(i.revision()).isEqualTo(SPEC.revision());
          assertThat(i.address()).isEmpty();
        });
  }

  @Test
  void terminatingAPendingPodScalesItsReplicaSetDown() throws Exception {
    launchWithinDeadline(new LaunchRequest(FLEET, SPEC, 2, "ro-1", "key-1"));
    Instance pending = provider.observe(FLEET).get(0);

    provider.drain(FLEET, List.of(pending));
    provider.terminate(FLEET, List.of(pending));

    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(1);
    assertThat(provider.observe(FLEET)).hasSize(1);
  }

  @Test
  void podsTheControllerMakesAfterLaunchReturnedAreObservedAndARetryNamesThem()
      throws Exception {
    LaunchRequest request = new LaunchRequest(FLEET, SPEC, 2, "ro-1", "key-1");
    assertThat(launchWithinDeadline(request)).isEmpty();

    // the controller comes up only now, after launch returned, and makes the pods
    try (FakeKubelet late = new FakeKubelet(cluster.client, MockCluster.NAMESPACE,
        Duration.ofMillis(30))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> provider.observe(FLEET).stream()
          .filter(i -> !PendingPods.is(i.id())).count() == 2);
      List<Instance> retried = launchWithinDeadline(request);
      late.awaitIdle();

      assertThat(retried).extracting(Instance::id).containsExactlyInAnyOrderElementsOf(
          provider.observe(FLEET).stream().map(Instance::id).toList());
      assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(2);
      assertThat(late.podsCreated()).as("the retry made no more pods").isEqualTo(2);
    }
  }
}
