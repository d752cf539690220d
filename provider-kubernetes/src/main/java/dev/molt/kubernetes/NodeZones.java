package dev.molt.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zone each pod runs in: the {@value #NODE_LABEL} label of the Node it is scheduled on
 * ({@code spec.nodeName}). A pod not yet scheduled has no zone. Each node is read once (one get)
 * and remembered, at most {@link #CAPACITY} nodes, least recently used forgotten first, so observe
 * asks again only for nodes it has not seen: a node's zone is set when it registers and does not
 * change. A node without the label, gone (404), or that this provider may not read (403: its
 * role lacks {@code get} on {@code nodes}, warned once) has no zone; other failures are
 * translated as every call's are ({@link KubeErrors}). Thread-safe; no API call under the lock.
 */
final class NodeZones {
  /** The well-known node label the cloud provider (or the admin) sets to the node's zone. */
  static final String NODE_LABEL = "topology.kubernetes.io/zone";
  /** The most nodes remembered. */
  static final int CAPACITY = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(NodeZones.class);
  private final KubernetesClient client;
  private final Map<String, Optional<String>> zones; // guarded by this
  private final AtomicBoolean forbiddenWarned = new AtomicBoolean();

  /** @param capacity the most nodes remembered, more than zero */
  NodeZones(KubernetesClient client, int capacity) {
    this.client = client;
    this.zones = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * @param operation the SPI operation asking, for errors
   * @return the zone of the node the pod is scheduled on; empty if it is not scheduled or the
   *     node has no zone
   */
  Optional<String> of(String operation, PodView pod) {
    Optional<String> node = pod.node();
    if (node.isEmpty()) {
      return Optional.empty();
    }
    synchronized (this) {
      Optional<String> known = zones.get(node.get());
      if (known != null) {
        return known;
      }
    }
    Optional<String> zone = KubeErrors.call(operation, "node " + node.get(),
        () -> read(node.get()));
    synchronized (this) {
      zones.put(node.get(), zone);
    }
    return zone;
  }

  private Optional<String> read(String node) {
    try {
      Node n = client.nodes().withName(node).get();
      return n == null || n.getMetadata().getLabels() == null ? Optional.empty()
          : Optional.ofNullable(n.getMetadata().getLabels().get(NODE_LABEL))
              .filter(z -> !z.isBlank());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      if (forbiddenWarned.compareAndSet(false, true)) {
        LOG.warn("action=zone node={} the provider may not read Nodes (403), so instances carry"
            + " no zone; grant its role get on nodes (cluster-scoped) to have them", node);
      }
      return Optional.empty();
    }
  }
}
