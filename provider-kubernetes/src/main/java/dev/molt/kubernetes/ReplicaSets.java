package dev.molt.kubernetes;

import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a fleet's ReplicaSets: create or scale up for a launch, scale down or delete after a
 * terminate. Every write is guarded by the resourceVersion read before it, so two writers never
 * lose each other's change: the loser gets 409, reads again and re-applies (a few times, then a
 * retryable {@link ProviderException}).
 */
final class ReplicaSets {
  static final int ATTEMPTS = 5;
  private final KubernetesClient client;
  private final String namespace;
  private final boolean routed;
  private final Clock clock;

  /**
   * @param routed whether a traffic router honours {@link LaunchRequest#holdTraffic()}
   * @param clock dates each scale-up ({@link PendingPods#LAUNCHED_AT})
   */
  ReplicaSets(KubernetesClient client, String namespace, boolean routed, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.routed = routed;
    this.clock = clock;
  }

  /**
   * Creates the request's ReplicaSet (its revision's, for its zone if it names one: {@link
   * ZonePins}) with {@code count} replicas, or adds {@code count} to it, and
   * records the request key, unless the key is recorded already.
   *
   * @return true if this call changed the ReplicaSet, false if the key had been applied
   */
  boolean apply(LaunchRequest request) {
    String name = ZonePins.replicaSetName(request);
    String key = PodTemplates.keyHash(request.requestKey());
    boolean held = routed && request.holdTraffic();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      ReplicaSet rs = resource(name).get();
      try {
        if (rs == null) {
          ReplicaSet created = PodTemplates.replicaSet(namespace, request, request.count(), held);
          created.getMetadata().getAnnotations()
              .put(PendingPods.LAUNCHED_AT, clock.instant().toString());
          client.apps().replicaSets().inNamespace(namespace).resource(created).create();
          return true;
        }
        requireOwned(rs, request.fleet());
        List<String> keys = PodTemplates.appliedKeys(rs);
        if (keys.contains(key)) {
          return false;
        }
        int replicas = replicas(rs);
        Map<String, String> annotations = new LinkedHashMap<>(
            rs.getMetadata().getAnnotations() == null ? Map.of()
                : rs.getMetadata().getAnnotations());
        annotations.put(PodTemplates.LAUNCH_KEYS, PodTemplates.withKey(keys, key));
        annotations.put(PendingPods.LAUNCHED_AT, clock.instant().toString());
        rs.getMetadata().setAnnotations(annotations);
        rs.getSpec().setReplicas(replicas + request.count());
        // the template's launch label and rollout id apply to the pods created from now on
        rs.getSpec().setTemplate(PodTemplates.template(request, held));
        client.apps().replicaSets().inNamespace(namespace).resource(rs).update();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // created or changed by someone else since we read it: read again
      }
    }
    throw conflict("launch", name);
  }

  /**
   * Lowers a ReplicaSet's replicas by {@code removed} (its pods already deleted), deleting it when
   * none remain. A ReplicaSet already gone is not an error.
   */
  void scaleDown(String fleet, String name, int removed) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      ReplicaSet rs = resource(name).get();
      if (rs == null) {
        return;
      }
      requireOwned(rs, fleet);
      int replicas = Math.max(0, replicas(rs) - removed);
      try {
        if (replicas == 0) {
          // guarded too: a launch that scaled it up since we read it must not be undone
          client.apps().replicaSets().inNamespace(namespace).resource(rs).lockResourceVersion()
              .delete();
        } else {
          rs.getSpec().setReplicas(replicas);
          client.apps().replicaSets().inNamespace(namespace).resource(rs).update();
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    throw conflict("terminate", name);
  }

  private Resource<ReplicaSet> resource(String name) {
    return client.apps().replicaSets().inNamespace(namespace).withName(name);
  }

  private static int replicas(ReplicaSet rs) {
    Integer r = rs.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  private static void requireOwned(ReplicaSet rs, String fleet) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    if (labels == null || !OwnerLabels.isOwned(labels, fleet)) {
      throw new ProviderException("launch", "replicaset " + rs.getMetadata().getName(), false,
          "a ReplicaSet of that name exists without Molt's owner labels for fleet " + fleet
              + "; Molt does not touch it. Rename the fleet or remove it by hand");
    }
  }

  private static ProviderException conflict(String operation, String name) {
    return new ProviderException(operation, "replicaset " + name, true, "ReplicaSet " + name
        + " changed under every one of " + ATTEMPTS + " attempts (409 Conflict)");
  }
}
