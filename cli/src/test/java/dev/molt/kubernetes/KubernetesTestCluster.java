package dev.molt.kubernetes;

import dev.molt.OwnerLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The provider module's {@link MockCluster} (fabric8's mock API server in CRUD mode with the
 * {@link FakeKubelet} as controller and kubelet), opened to tests of other packages: the
 * campaign over several platforms in this module. Reads the cluster's ground truth (pods and
 * ReplicaSets of the test namespace) straight from the API server, not through the provider.
 */
public final class KubernetesTestCluster implements AutoCloseable {
  private final MockCluster cluster;

  private KubernetesTestCluster(Duration startDelay) {
    this.cluster = new MockCluster(startDelay);
  }

  /**
   * Starts a fresh mock API server whose fake kubelet starts each pod after {@code startDelay}.
   *
   * @param startDelay how long a pod takes from creation to running and ready
   * @return the cluster
   */
  public static KubernetesTestCluster start(Duration startDelay) {
    return new KubernetesTestCluster(startDelay);
  }

  /** @return a provider on the test namespace, with a short drain grace */
  public KubernetesProvider provider() {
    return cluster.provider();
  }

  /** Pods matching {@code which}, started from now on, never pass their readiness probe. */
  public void failReadiness(Predicate<Pod> which) {
    cluster.kubelet.failReadiness(which);
  }

  /** @return every pod of the test namespace, Molt's or not, not being deleted */
  public List<Pod> pods() {
    return cluster.client.pods().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** @return the pods of {@code fleet} (by Molt's fleet label), not being deleted */
  public List<Pod> pods(String fleet) {
    return pods().stream().filter(p -> fleet.equals(p.getMetadata().getLabels()
        .get(OwnerLabels.FLEET))).toList();
  }

  /** @return every ReplicaSet of the test namespace, Molt's or not */
  public List<ReplicaSet> replicaSets() {
    return cluster.client.apps().replicaSets().inNamespace(MockCluster.NAMESPACE).list()
        .getItems();
  }

  /** @return whether {@code pod}'s Ready condition is True */
  public static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    cluster.close();
  }
}
