package dev.molt.kubernetes;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.spi.Health;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pod as Molt sees it: its owner labels, lifecycle state and readiness. Pure: no API calls.
 *
 * <table>
 *   <caption>Pod to instance state</caption>
 *   <tr><th>pod</th><th>state</th></tr>
 *   <tr><td>{@code molt.dev/serving=false}, drained less than the drain grace ago</td>
 *       <td>DRAINING</td></tr>
 *   <tr><td>{@code molt.dev/serving=false}, longer ago</td><td>DRAINED</td></tr>
 *   <tr><td>phase Failed or Succeeded, or a container stuck pulling its image, crash-looping,
 *       or unable to start</td><td>FAILED</td></tr>
 *   <tr><td>phase Running</td><td>RUNNING</td></tr>
 *   <tr><td>phase Pending (or none yet)</td><td>LAUNCHING</td></tr>
 * </table>
 *
 * A pod being deleted (deletion timestamp set) is gone for Molt and is not listed.
 */
record PodView(Pod pod) {
  /**
   * The instance label for the pod's zone (from its node, see {@link NodeZones}): {@link
   * OwnerLabels#ZONE}, as every provider reports it. A label of that key on the pod itself is
   * dropped: only the node says where a pod runs (or, before it is scheduled, its zone pin).
   */
  static final String ZONE = OwnerLabels.ZONE;
  private static final Set<String> STUCK = Set.of("ErrImagePull", "ImagePullBackOff",
      "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError",
      "CreateContainerError", "RunContainerError");

  String name() {
    return pod.getMetadata().getName();
  }

  Map<String, String> labels() {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  boolean ownedBy(String fleet) {
    return OwnerLabels.isOwned(labels(), fleet);
  }

  boolean deleting() {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  boolean drained() {
    return "false".equals(labels().get(PodTemplates.SERVING));
  }

  Optional<Revision> revision() {
    try {
      return Optional.ofNullable(labels().get(OwnerLabels.REVISION)).map(Revision::of);
    } catch (RuntimeException e) {
      return Optional.empty(); // a hand-edited label: not an instance Molt can reason about
    }
  }

  /** @return the ReplicaSet name this pod belongs to (from its revision and zone pin labels) */
  Optional<String> replicaSet(String fleet) {
    return revision().map(r -> ZonePins.replicaSetName(fleet, r, ZonePins.of(labels())));
  }

  InstanceState state(Instant now, Duration drainGrace) {
    if (drained()) {
      Instant since = drainedAt().orElse(Instant.EPOCH);
      return now.isBefore(since.plus(drainGrace)) ? InstanceState.DRAINING
          : InstanceState.DRAINED;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Failed".equals(phase) || "Succeeded".equals(phase) || stuck()) {
      return InstanceState.FAILED;
    }
    return "Running".equals(phase) ? InstanceState.RUNNING : InstanceState.LAUNCHING;
  }

  private boolean stuck() {
    return containerStatuses().stream().anyMatch(s -> s.getState() != null
        && s.getState().getWaiting() != null
        && STUCK.contains(s.getState().getWaiting().getReason()));
  }

  private List<ContainerStatus> containerStatuses() {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of() : pod.getStatus().getContainerStatuses();
  }

  Optional<Instant> drainedAt() {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty()
        : Optional.ofNullable(annotations.get(PodTemplates.DRAINED_AT)).flatMap(PodView::time);
  }

  Instant created() {
    return time(pod.getMetadata().getCreationTimestamp()).orElse(Instant.EPOCH);
  }

  Optional<Instant> started() {
    return pod.getStatus() == null ? Optional.empty() : time(pod.getStatus().getStartTime());
  }

  /** @return {@code podIP:first port}, or the pod IP alone when the spec serves no port */
  Optional<String> address() {
    if (pod.getStatus() == null || pod.getStatus().getPodIP() == null
        || pod.getStatus().getPodIP().isBlank()) {
      return Optional.empty();
    }
    String ip = pod.getStatus().getPodIP();
    return container().flatMap(c -> c.getPorts() == null ? Optional.empty()
            : c.getPorts().stream().findFirst())
        .map(p -> (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + p.getContainerPort())
        .or(() -> Optional.of(ip));
  }

  private Optional<Container> container() {
    return pod.getSpec() == null || pod.getSpec().getContainers() == null ? Optional.empty()
        : pod.getSpec().getContainers().stream().findFirst();
  }

  /** @return the node the scheduler put the pod on; empty while it is not scheduled */
  Optional<String> node() {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        || pod.getSpec().getNodeName().isBlank() ? Optional.empty()
        : Optional.of(pod.getSpec().getNodeName());
  }

  /**
   * @param zone the zone of the pod's node, added to the labels as {@link #ZONE}; when empty
   *     (not scheduled yet), a pinned pod's zone ({@link ZonePins}), the only one it can run in
   * @return the pod as an instance of {@code fleet}, or empty if it is not one
   */
  Optional<Instance> toInstance(String fleet, Instant now, Duration drainGrace,
      Optional<String> zone) {
    Optional<Revision> revision = revision();
    if (revision.isEmpty() || !ownedBy(fleet) || deleting()) {
      return Optional.empty();
    }
    InstanceState state = state(now, drainGrace);
    Instant since = switch (state) {
      case DRAINING, DRAINED -> drainedAt().orElse(created());
      case RUNNING -> started().orElse(created());
      default -> created();
    };
    Optional<Instant> healthySince = state == InstanceState.RUNNING ? readySince()
        : Optional.empty();
    Map<String, String> labels = new LinkedHashMap<>(labels());
    labels.remove(ZONE); // only the node says where a pod runs
    zone.or(() -> ZonePins.of(labels)).ifPresent(z -> labels.put(ZONE, z));
    return Optional.of(new Instance(name(), fleet, revision.get(), address(), state, created(),
        since, healthySince, labels));
  }

  /**
   * The start of the current healthy streak: while the Ready condition is True, its {@code
   * lastTransitionTime}, the moment the kubelet last turned it True. The API serialises that time
   * in whole seconds, cutting off the fraction, so a whole-second time is taken as the end of its
   * second: a streak is then dated up to 1 s late, never early.
   */
  Optional<Instant> readySince() {
    return condition("Ready").filter(c -> "True".equals(c.getStatus()))
        .flatMap(c -> time(c.getLastTransitionTime()))
        .map(t -> t.getNano() == 0 ? t.plusSeconds(1) : t);
  }

  /**
   * The pod's readiness as a verdict: Ready is {@link Health#HEALTHY}; not ready is {@link
   * Health#UNKNOWN} while the readiness probe may still be starting up (its initial delay plus
   * failure threshold times period since the pod started) and {@link Health#UNHEALTHY} after.
   */
  Health health(Instant now) {
    Optional<PodCondition> ready = condition("Ready");
    if (ready.isPresent() && "True".equals(ready.get().getStatus())) {
      return Health.HEALTHY;
    }
    Optional<Instant> started = started();
    if (started.isEmpty() || !"Running".equals(pod.getStatus().getPhase())) {
      return Health.UNKNOWN;
    }
    return now.isBefore(started.get().plus(probeWindow())) ? Health.UNKNOWN : Health.UNHEALTHY;
  }

  /** How long a freshly started pod may be unready before that counts as failing. */
  Duration probeWindow() {
    Optional<Probe> probe = container().map(Container::getReadinessProbe);
    if (probe.isEmpty()) {
      return Duration.ofSeconds(10);
    }
    Probe p = probe.get();
    int delay = orDefault(p.getInitialDelaySeconds(), 0);
    int period = orDefault(p.getPeriodSeconds(), 10);
    int failures = orDefault(p.getFailureThreshold(), 3);
    return Duration.ofSeconds(delay + (long) period * (failures + 1));
  }

  private Optional<PodCondition> condition(String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static Optional<Instant> time(String iso) {
    if (iso == null || iso.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
