package dev.molt.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits, through a watch (no polling, no sleeping), for the ReplicaSet controller to have created
 * pods. On a cluster that takes milliseconds; the bound only matters when the controller cannot
 * create them (quota, admission).
 */
final class PodWaits {
  private PodWaits() {}

  /**
   * @return the live pods matching {@code labels} once there are at least {@code count}, or those
   *     there are when {@code wait} has passed
   */
  static List<Pod> atLeast(KubernetesClient client, String namespace, Map<String, String> labels,
      int count, Duration wait) {
    CompletableFuture<List<Pod>> enough = client.pods().inNamespace(namespace).withLabels(labels)
        .informOnCondition(pods -> live(pods).size() >= count);
    try {
      return live(enough.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      enough.cancel(true);
      return live(client.pods().inNamespace(namespace).withLabels(labels).list().getItems());
    } catch (InterruptedException e) {
      enough.cancel(true);
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while waiting for pods", e);
    } catch (ExecutionException e) {
      throw KubernetesClientException.launderThrowable(e.getCause());
    }
  }

  private static List<Pod> live(List<Pod> pods) {
    return pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }
}
