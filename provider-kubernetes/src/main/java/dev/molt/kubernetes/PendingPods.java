package dev.molt.kubernetes;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods a ReplicaSet's controller has yet to make, as {@code LAUNCHING} instances. Launch
 * returns before the controller has made a scale-up's pods; until it has, observe reports each
 * missing replica as an instance {@code <replicaset>/pending-<n>} (a name no pod can have), so
 * that the engine sees what it launched and does not launch again. Terminating one scales its
 * ReplicaSet down by one; drain skips it; health has no verdict for it. Pure: no API calls.
 *
 * <p>Worked example: ReplicaSet {@code web-r-1} at 3 replicas with 1 live pod of its revision
 * (pods being deleted do not count: the controller will replace them) gives {@code
 * web-r-1/pending-1} and {@code web-r-1/pending-2}; at 3 live pods, none.
 */
final class PendingPods {
  /** What separates the ReplicaSet name from the slot number in a pending instance's id. */
  static final String MARK = "/pending-";
  /** ReplicaSet annotation: when the last launch scaled it up (ISO-8601, the provider's clock). */
  static final String LAUNCHED_AT = "molt.dev/launched-at";

  private PendingPods() {}

  /**
   * @param fleet the fleet
   * @param replicaSets the fleet's ReplicaSets (those without Molt's owner labels are ignored)
   * @param live the fleet's pods not being deleted
   * @return one {@code LAUNCHING} instance per replica without a live pod
   */
  static List<Instance> of(String fleet, List<ReplicaSet> replicaSets, List<PodView> live) {
    Map<String, Integer> pods = new HashMap<>();
    live.forEach(p -> p.replicaSet(fleet).ifPresent(rs -> pods.merge(rs, 1, Integer::sum)));
    List<Instance> out = new ArrayList<>();
    for (ReplicaSet rs : replicaSets) {
      Map<String, String> labels = rs.getSpec().getTemplate().getMetadata().getLabels();
      Optional<Revision> revision = revision(labels);
      if (labels == null || revision.isEmpty() || !OwnerLabels.isOwned(labels, fleet)
          || rs.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String name = rs.getMetadata().getName();
      int replicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
      Instant since = launchedAt(rs);
      Map<String, String> placed = placed(labels);
      for (int n = pods.getOrDefault(name, 0) + 1; n <= replicas; n++) {
        out.add(new Instance(name + MARK + n, fleet, revision.get(), Optional.empty(),
            InstanceState.LAUNCHING, since, since, Optional.empty(), placed));
      }
    }
    return out;
  }

  /** The template's labels; a pinned template's pods will run in its zone: {@link PodView#ZONE}. */
  private static Map<String, String> placed(Map<String, String> labels) {
    Map<String, String> out = new java.util.LinkedHashMap<>(labels);
    out.remove(PodView.ZONE);
    ZonePins.of(labels).ifPresent(z -> out.put(PodView.ZONE, z));
    return out;
  }

  /** @return whether {@code id} names a pending pod rather than a pod */
  static boolean is(String id) {
    return id.contains(MARK);
  }

  /** @return the ReplicaSet a pending pod's id names */
  static String replicaSet(String id) {
    return id.substring(0, id.indexOf(MARK));
  }

  private static Optional<Revision> revision(Map<String, String> labels) {
    try {
      return Optional.ofNullable(labels == null ? null : labels.get(OwnerLabels.REVISION))
          .map(Revision::of);
    } catch (RuntimeException e) {
      return Optional.empty(); // a hand-edited label
    }
  }

  /** The last scale-up's time, else the ReplicaSet's creation, so a wait is dated from it. */
  private static Instant launchedAt(ReplicaSet rs) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    for (String time : new String[] {annotations == null ? null : annotations.get(LAUNCHED_AT),
        rs.getMetadata().getCreationTimestamp()}) {
      try {
        if (time != null) {
          return Instant.parse(time);
        }
      } catch (DateTimeParseException e) {
        // not a time: try the next one
      }
    }
    return Instant.EPOCH;
  }
}
