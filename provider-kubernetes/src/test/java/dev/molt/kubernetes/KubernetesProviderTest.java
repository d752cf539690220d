package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.time.Cancellable;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider's mapping onto ReplicaSets and pods, on a fresh mock API server per test. */
class KubernetesProviderTest {
  private static final String FLEET = "shop";
  private static final LaunchSpec SPEC =
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1);
  private static final String RS = FLEET + "-" + SPEC.revision().id();
  private final MockCluster cluster = new MockCluster(Duration.ofMillis(30));
  private final KubernetesProvider provider = cluster.provider();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private List<Instance> launch(int count, String key) {
    return provider.launch(new LaunchRequest(FLEET, SPEC, count, "ro-1", key));
  }

  /** Launches, then waits for the fake controller: the launch's pods, as instances. */
  private List<Instance> launchAndAwait(int count, String key) {
    return cluster.launchAndAwait(provider, new LaunchRequest(FLEET, SPEC, count, "ro-1", key));
  }

  private ReplicaSet replicaSet() {
    return cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE).withName(RS)
        .get();
  }

  private Pod pod(String name) {
    return cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  private void awaitAllRunning(int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> provider.observe(FLEET).stream()
        .filter(i -> i.state() == InstanceState.RUNNING).count() == count);
  }

  @Test
  void aRepeatedRequestKeyScalesNothingAndANewKeyScalesUpByItsCount() {
    List<Instance> first = launchAndAwait(2, "key-1");
    List<Instance> again = launch(2, "key-1");
    List<Instance> more = launchAndAwait(1, "key-2");

    assertThat(first).hasSize(2);
    assertThat(again).as("a retry names the pods its first call's scale-up made")
        .extracting(Instance::id)
        .containsExactlyInAnyOrderElementsOf(first.stream().map(Instance::id).toList());
    assertThat(more).hasSize(1).extracting(Instance::id)
        .doesNotContainAnyElementsOf(first.stream().map(Instance::id).toList());
    assertThat(more.get(0).labels())
        .containsEntry(PodTemplates.LAUNCH, PodTemplates.keyHash("key-2"));
    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(3);
    assertThat(PodTemplates.appliedKeys(replicaSet())).containsExactly(
        PodTemplates.keyHash("key-1"), PodTemplates.keyHash("key-2"));
    assertThat(provider.observe(FLEET)).hasSize(3);
    assertThat(cluster.kubelet.podsCreated()).isEqualTo(3);
  }

  @Test
  void concurrentLaunchesOfOneRevisionInOneProcessEachScaleUpOnce() throws Exception {
    List<List<Instance>> named = concurrently(4, i -> launch(1, "concurrent-" + i));
    cluster.kubelet.awaitIdle();

    assertThat(named).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(1));
    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(4);
    assertThat(PodTemplates.appliedKeys(replicaSet())).hasSize(4);
    assertThat(provider.observe(FLEET)).hasSize(4).extracting(Instance::id)
        .doesNotHaveDuplicates();
  }

  @Test
  void concurrentWritersInTwoProcessesLoseNoReplicaThanksToResourceVersionChecks()
      throws Exception {
    List<KubernetesProvider> processes = List.of(
        KubernetesProvider.builder(cluster.client).namespace(MockCluster.NAMESPACE).build(),
        KubernetesProvider.builder(cluster.client).namespace(MockCluster.NAMESPACE).build());

    concurrently(6, i -> processes.get(i % 2)
        .launch(new LaunchRequest(FLEET, SPEC, 1, "ro-1", "w-" + i)));
    cluster.kubelet.awaitIdle();

    assertThat(replicaSet().getSpec().getReplicas()).as("no scale-up lost").isEqualTo(6);
    assertThat(PodTemplates.appliedKeys(replicaSet())).hasSize(6);
    assertThat(provider.observe(FLEET)).hasSize(6);
  }

  private static <T> List<T> concurrently(int n, java.util.function.IntFunction<T> body)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Callable<T>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        calls.add(() -> body.apply(index));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : pool.invokeAll(calls)) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void terminateDeletesThePodsScalesDownAndDeletesTheReplicaSetAtZero() {
    List<Instance> pods = launchAndAwait(2, "key-1");

    provider.terminate(FLEET, List.of(pods.get(0)));
    assertThat(pod(pods.get(0).id())).isNull();
    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(1);
    cluster.kubelet.awaitIdle();
    assertThat(provider.observe(FLEET)).extracting(Instance::id).containsExactly(pods.get(1).id());
    provider.terminate(FLEET, List.of(pods.get(0)));
    assertThat(replicaSet().getSpec().getReplicas()).as("terminating twice scales down once")
        .isEqualTo(1);

    provider.terminate(FLEET, List.of(pods.get(1)));
    assertThat(replicaSet()).isNull();
    cluster.kubelet.awaitIdle();
    assertThat(provider.observe(FLEET)).isEmpty();
    assertThat(cluster.kubelet.podsCreated()).as("no replacement pod").isEqualTo(2);
  }

  @Test
  void drainTakesThePodOutOfTheServiceSelectorAndItBecomesDrainedAfterTheGrace() {
    Instance one = launchAndAwait(2, "key-1").get(0);
    Map<String, String> selector = KubernetesProvider.serviceSelector(FLEET);
    awaitAllRunning(2);

    provider.drain(FLEET, List.of(one));

    assertThat(pod(one.id()).getMetadata().getLabels()).containsEntry(PodTemplates.SERVING,
        "false");
    assertThat(pod(one.id()).getMetadata().getAnnotations()).containsKey(PodTemplates.DRAINED_AT);
    assertThat(cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withLabels(selector)
        .list().getItems()).extracting(p -> p.getMetadata().getName()).hasSize(1)
        .doesNotContain(one.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> provider.observe(FLEET).stream()
        .anyMatch(i -> i.id().equals(one.id()) && i.state() == InstanceState.DRAINED));
  }

  @Test
  void podsWithoutOwnerLabelsAreRefusedWholeAndLeftAlone() {
    Instance owned = launchAndAwait(1, "key-1").get(0);
    cluster.client.pods().inNamespace(MockCluster.NAMESPACE).resource(new PodBuilder()
        .withNewMetadata().withName("hand-made").endMetadata().withNewSpec().addNewContainer()
        .withName("x").withImage("busybox").endContainer().endSpec().build()).create();
    Instance forged = new Instance("hand-made", FLEET, owned.revision(), owned.address(),
        owned.state(), owned.launchedAt(), owned.stateSince(), owned.healthySince(),
        owned.labels());

    for (Runnable call : List.<Runnable>of(
        () -> provider.terminate(FLEET, List.of(owned, forged)),
        () -> provider.drain(FLEET, List.of(owned, forged)),
        () -> provider.taint(FLEET, forged, "suspicious"))) {
      assertThatThrownBy(call::run).isInstanceOfSatisfying(ProviderException.class, e -> {
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("hand-made");
      });
    }
    assertThat(pod("hand-made")).isNotNull();
    assertThat(pod(owned.id()).getMetadata().getLabels()).containsEntry(PodTemplates.SERVING,
        "true");
    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void aReplicaSetOfTheSameNameThatMoltDoesNotOwnIsNeverScaled() {
    cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE).resource(
        new ReplicaSetBuilder().withNewMetadata().withName(RS).addToLabels("app", "theirs")
            .endMetadata().withNewSpec().withReplicas(2).withNewSelector()
            .addToMatchLabels("app", "theirs").endSelector().withNewTemplate().withNewMetadata()
            .addToLabels("app", "theirs").endMetadata().endTemplate().endSpec().build()).create();

    assertThatThrownBy(() -> launch(1, "key-1"))
        .isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.retryable()).isFalse());
    assertThat(replicaSet().getSpec().getReplicas()).isEqualTo(2);
    assertThat(PodTemplates.appliedKeys(replicaSet())).isEmpty();
  }

  @Test
  void observeIsTwoApiCallsAndHealthOneWhateverTheFleetSize() {
    launch(20, "key-1");
    awaitAllRunning(20);

    int before = cluster.server.getRequestCount();
    List<Instance> seen = provider.observe(FLEET);
    int afterObserve = cluster.server.getRequestCount();
    Map<String, Health> health = provider.health(FLEET, seen);
    int afterHealth = cluster.server.getRequestCount();

    assertThat(seen).hasSize(20);
    assertThat(afterObserve - before).as("pods and ReplicaSets").isEqualTo(2);
    assertThat(health).hasSize(20).containsValue(Health.HEALTHY).doesNotContainValue(
        Health.UNHEALTHY);
    assertThat(afterHealth - afterObserve).isEqualTo(1);
  }

  @Test
  void taintLabelsThePodWithALabelSafeReason() {
    Instance one = launchAndAwait(1, "key-1").get(0);

    provider.taint(FLEET, one, "break-glass login by alice");

    assertThat(provider.observe(FLEET)).singleElement()
        .satisfies(i -> assertThat(i.taint()).contains("break-glass-login-by-alice"));
  }

  @Test
  void watchCallsBackOnPodChangesUntilCancelled() {
    AtomicInteger changes = new AtomicInteger();
    Cancellable watch = provider.watch(FLEET, changes::incrementAndGet);
    try {
      launch(1, "key-1");
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() > 0);
    } finally {
      watch.cancel();
    }
  }

  @Test
  void aFleetNameKubernetesCannotUseIsRefusedBeforeAnyCall() {
    int before = cluster.server.getRequestCount();
    assertThatThrownBy(() -> provider.launch(new LaunchRequest("Shop_1", SPEC, 1, "ro-1", "k")))
        .isInstanceOf(dev.molt.InvalidSpecException.class).hasMessageContaining("fleet");
    assertThat(cluster.server.getRequestCount()).isEqualTo(before);
  }
}
