package dev.molt.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Plays, on the fabric8 mock server (which runs no controllers), the ReplicaSet controller, the
 * scheduler and the kubelet: it watches ReplicaSets, creates pods from their template (with an
 * owner reference, bound to one of {@link #scheduleOnto}'s nodes that its node selector allows;
 * a pod with a node selector no node matches stays Pending, never started) or
 * deletes surplus ones (not-ready first, then newest) until each has its replicas, and after
 * {@code startDelay} marks a new pod Running with an IP and a Ready condition (False for pods that
 * {@link #failReadiness} matches; {@link #setReady} turns it later). It reacts to ReplicaSet events only (re-reading the ReplicaSet
 * and its pods each time) and, standing in for the garbage collector, deletes a deleted
 * ReplicaSet's pods. One thread; {@link #close()} stops it.
 */
final class FakeKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Duration startDelay;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger ips = new AtomicInteger(1);
  private final AtomicInteger podsCreated = new AtomicInteger();
  private final Map<String, String> handled = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Predicate<Pod> unready = p -> false;
  private volatile List<String> nodes = List.of();
  private final SharedIndexInformer<ReplicaSet> informer;

  FakeKubelet(KubernetesClient client, String namespace, Duration startDelay) {
    this.client = client;
    this.namespace = namespace;
    this.startDelay = startDelay;
    this.informer = client.apps().replicaSets().inNamespace(namespace)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(ReplicaSet rs) {
            thread.execute(() -> handled(rs, () -> reconcile(rs.getMetadata().getName())));
          }

          @Override
          public void onUpdate(ReplicaSet old, ReplicaSet rs) {
            thread.execute(() -> handled(rs, () -> reconcile(rs.getMetadata().getName())));
          }

          @Override
          public void onDelete(ReplicaSet rs, boolean unknownFinalState) {
            // the mock has no garbage collector either: delete what the ReplicaSet owned
            thread.execute(() -> {
              collectGarbage(rs.getMetadata().getUid());
              handled.remove(rs.getMetadata().getName());
            });
          }
        }, 0);
  }

  /**
   * Waits until every ReplicaSet event of the API server so far has been handled (as a real
   * controller would have by the time a person looks), so that tests can assert exact pod sets.
   */
  void awaitIdle() {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(
        Duration.ofMillis(10)).until(() -> handled.equals(client.apps().replicaSets()
            .inNamespace(namespace).list().getItems().stream().collect(
                java.util.stream.Collectors.toMap(rs -> rs.getMetadata().getName(),
                    rs -> rs.getMetadata().getResourceVersion()))));
  }

  private void handled(ReplicaSet rs, Runnable reaction) {
    reaction.run();
    handled.put(rs.getMetadata().getName(), rs.getMetadata().getResourceVersion());
  }

  private void collectGarbage(String ownerUid) {
    client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata()
            .getOwnerReferences().stream().anyMatch(o -> ownerUid.equals(o.getUid())))
        .forEach(p -> client.pods().inNamespace(namespace).withName(p.getMetadata().getName())
            .delete());
  }

  /**
   * Pods created from now on are scheduled onto {@code names} in turn (their {@code
   * spec.nodeName}), as the scheduler would; by default pods get no node. A pod with a node
   * selector goes only to those of {@code names} whose Node (read from the API server) carries
   * every label of it, in turn among them; none: it stays unbound and Pending.
   */
  void scheduleOnto(List<String> names) {
    this.nodes = List.copyOf(names);
  }

  /** Pods matching {@code which}, started from now on, never pass their readiness probe. */
  void failReadiness(Predicate<Pod> which) {
    this.unready = which;
  }

  /**
   * Turns pod {@code name}'s Ready condition True or False, as the kubelet does when its readiness
   * probe passes again or starts failing: the condition's {@code lastTransitionTime} moves only
   * when its status changes.
   */
  void setReady(String name, boolean ready) {
    String status = ready ? "True" : "False";
    client.pods().inNamespace(namespace).withName(name).edit(p -> {
      List<PodCondition> conditions = new ArrayList<>(p.getStatus().getConditions() == null
          ? List.of() : p.getStatus().getConditions());
      if (conditions.stream().anyMatch(c -> "Ready".equals(c.getType())
          && status.equals(c.getStatus()))) {
        return p;
      }
      conditions.removeIf(c -> "Ready".equals(c.getType()));
      conditions.add(new PodConditionBuilder().withType("Ready").withStatus(status)
          .withLastTransitionTime(Clock.systemUTC().instant().toString()).build());
      return new PodBuilder(p).editStatus().withConditions(conditions).endStatus().build();
    });
  }

  /** @return how many pods this fake controller has created */
  int podsCreated() {
    return podsCreated.get();
  }

  private void reconcile(String name) {
    ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    if (rs == null) {
      return;
    }
    String uid = rs.getMetadata().getUid();
    List<Pod> owned = new ArrayList<>(client.pods().inNamespace(namespace)
        .withLabels(rs.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata()
            .getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
        .toList());
    int want = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    for (int i = owned.size(); i < want; i++) {
      create(rs);
    }
    if (owned.size() > want) {
      owned.sort(Comparator.comparing(FakeKubelet::ready)
          .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
      owned.subList(0, owned.size() - want).forEach(p -> client.pods().inNamespace(namespace)
          .withName(p.getMetadata().getName()).delete());
    }
  }

  private void create(ReplicaSet rs) {
    String name = rs.getMetadata().getName() + "-"
        + Integer.toString(0x10000 + podsCreated.incrementAndGet(), 36);
    Pod pod = new PodBuilder()
        .withMetadata(new ObjectMetaBuilder(rs.getSpec().getTemplate().getMetadata())
            .withName(name).withNamespace(namespace)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                .withKind("ReplicaSet").withName(rs.getMetadata().getName())
                .withUid(rs.getMetadata().getUid()).withController(true).build())
            .withCreationTimestamp(Clock.systemUTC().instant().toString())
            .build())
        .withSpec(scheduled(rs.getSpec().getTemplate().getSpec(), podsCreated.get()))
        .withNewStatus().withPhase("Pending").endStatus()
        .build();
    Pod created = client.pods().inNamespace(namespace).resource(pod).create();
    if (created.getSpec().getNodeName() == null && !selector(created.getSpec()).isEmpty()) {
      return; // no node fits its node selector: Pending, unschedulable, as the scheduler leaves it
    }
    boolean passes = !unready.test(created);
    thread.schedule(() -> start(name, passes), startDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Binds the pod to the next of {@link #scheduleOnto}'s nodes whose labels match its node
   * selector (every entry), as the scheduler would; none fits: unbound.
   */
  private PodSpec scheduled(PodSpec template, int n) {
    Map<String, String> wanted = selector(template);
    List<String> onto = nodes.stream().filter(node -> wanted.isEmpty() || fits(node, wanted))
        .toList();
    return onto.isEmpty() ? template
        : new PodSpecBuilder(template).withNodeName(onto.get((n - 1) % onto.size())).build();
  }

  private boolean fits(String node, Map<String, String> wanted) {
    io.fabric8.kubernetes.api.model.Node found = client.nodes().withName(node).get();
    Map<String, String> labels = found == null || found.getMetadata().getLabels() == null
        ? Map.of() : found.getMetadata().getLabels();
    return labels.entrySet().containsAll(wanted.entrySet());
  }

  private static Map<String, String> selector(PodSpec spec) {
    return spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
  }

  private void start(String name, boolean passes) {
    int n = ips.incrementAndGet();
    String now = Clock.systemUTC().instant().toString();
    PodCondition ready = new PodConditionBuilder().withType("Ready")
        .withStatus(passes ? "True" : "False").withLastTransitionTime(now).build();
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    // a test may patch the pod meanwhile (its labels): a write that lost that race gets a 409
    // and is made again on the pod as it is now, as a kubelet's status update would be; before,
    // the lost write left the pod Pending for good and a test waiting for it timed out
    for (int attempt = 1; ; attempt++) {
      try {
        client.pods().inNamespace(namespace).withName(name).edit(p -> new PodBuilder(p)
            .editStatus().withPhase("Running")
            .withPodIP("10.1." + (n / 250) + "." + (n % 250 + 1))
            .withStartTime(now).withConditions(ready).endStatus().build());
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus()
        .getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    informer.stop();
    thread.shutdownNow();
  }
}
