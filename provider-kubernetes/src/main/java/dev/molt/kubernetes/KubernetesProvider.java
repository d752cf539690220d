package dev.molt.kubernetes;

import dev.molt.Arguments;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import dev.molt.time.Cancellable;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fleet on a Kubernetes cluster: one ReplicaSet per revision, pods as instances.
 *
 * <pre>{@code
 * KubernetesProvider k8s = KubernetesProvider.builder().namespace("shop").build(); // kubeconfig
 * RolloutEngine engine = RolloutEngine.builder(k8s).build();
 * }</pre>
 *
 * <ul>
 *   <li><b>launch</b> creates the revision's ReplicaSet {@code <fleet>-<revision>} or scales it up
 *       by {@code count}, in one write guarded by its resourceVersion (a concurrent writer's 409 is
 *       re-read and retried). The request key's hash is recorded in the {@code
 *       molt.dev/launch-keys} annotation in the same write, so a repeated request scales nothing,
 *       and is set as the pod template's {@code molt.dev/launch} label, so the pods the
 *       ReplicaSet controller creates for it can be found. Launch never waits for the controller:
 *       it returns at once with the request's pods that exist already (usually none for a new
 *       request, the pods made so far for a retried one) and {@link #observe} shows the rest,
 *       as {@link Provider#launch} allows. A launch asking for a {@linkplain LaunchRequest#zone()
 *       zone} scales the revision's ReplicaSet for that zone instead, {@code
 *       <fleet>-<revision>-<zone>}, whose pods have a node selector on {@code
 *       topology.kubernetes.io/zone} (see {@link ZonePins}): they run on that zone's nodes only,
 *       or stay Pending while it has none with room.
 *   <li><b>observe</b> is one pod list by owner labels (plus, once per node, a get of the Node a
 *       pod is scheduled on, for its zone: every instance scheduled on a node with a {@code
 *       topology.kubernetes.io/zone} label carries it as {@code molt.dev/zone}, and a zone-pinned
 *       pod not scheduled yet its pinned zone); <b>health</b> is
 *       the same one list,
 *       reading each pod's Ready condition (the readiness probe made from the spec's {@link
 *       dev.molt.HealthCheck}).
 *   <li><b>drain</b> sets the pod's {@code molt.dev/serving} label to {@code false}: the fleet's
 *       Service selects {@code molt.dev/serving=true} (see {@link #serviceSelector}), so the pod
 *       leaves its endpoints. It is {@code DRAINING} for the drain grace, then {@code DRAINED}.
 *   <li><b>terminate</b> deletes the pods and scales their ReplicaSets down by as many, deleting a
 *       ReplicaSet that reaches 0.
 * </ul>
 *
 * Without {@link Builder#router} there is no {@link TrafficRouter}: a Service selector is all or
 * nothing, so canary weights are approximated by replica ratio. With it, {@link #router()} splits
 * each fleet's traffic through a Gateway API {@code HTTPRoute} over one Service per revision
 * (see {@link GatewayRoute}); launches asking to {@linkplain LaunchRequest#holdTraffic() hold
 * traffic} make pods labelled {@code molt.dev/held=true}, which the fleet's shared Service (the
 * route's backend while no split is in force) does not select until a split ends the hold; and
 * terminate refuses a serving pod whose revision still has weight in the split.
 *
 * <p>Pods, ReplicaSets, Services, HTTPRoutes and names without Molt's owner labels are never
 * changed: drain, terminate, taint, launch and the router refuse them (non-retryable, before
 * touching anything). fabric8's exceptions become {@link ProviderException}s, retryable for 408,
 * 409, 429, 5xx, timeouts and I/O failures. Thread-safe; {@link #close()} closes the client if the
 * builder created it.
 */
public final class KubernetesProvider implements Provider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesProvider.class);

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final Clock clock;
  private final Duration drainGrace;
  private final ReplicaSets replicaSets;
  private final NodeZones zones;
  private final Optional<HttpRouteRouter> router;
  private final Map<String, Object> launchLocks = new ConcurrentHashMap<>();

  private KubernetesProvider(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.namespace = b.namespace != null ? b.namespace
        : client.getNamespace() != null ? client.getNamespace() : "default";
    this.clock = b.clock;
    this.drainGrace = b.drainGrace;
    this.router = Optional.ofNullable(b.route)
        .map(r -> new HttpRouteRouter(client, namespace, r));
    this.replicaSets = new ReplicaSets(client, namespace, router.isPresent(), clock);
    this.zones = new NodeZones(client, NodeZones.CAPACITY);
  }

  /** @return a builder using the kubeconfig (or in-cluster service account) of this process */
  public static Builder builder() {
    return new Builder(null, true);
  }

  /**
   * Starts a builder using a client the caller configured (and closes).
   *
   * @param client a fabric8 client
   * @return a builder
   */
  public static Builder builder(KubernetesClient client) {
    Arguments.required(client, "client");
    return new Builder(client, false);
  }

  /**
   * The selector the fleet's Service must use so that drain takes pods out of it.
   *
   * @param fleet the fleet name
   * @return {@code molt.dev/fleet=<fleet>}, {@code molt.dev/serving=true}
   */
  public static Map<String, String> serviceSelector(String fleet) {
    return Map.of(OwnerLabels.FLEET, PodTemplates.checkFleet(fleet), PodTemplates.SERVING, "true");
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  /** @return the namespace this provider works in */
  public String namespace() {
    return namespace;
  }

  /**
   * The fleet's traffic router, if the builder was given a {@link GatewayRoute}.
   *
   * @return the HTTPRoute router, or empty
   */
  @Override
  public Optional<TrafficRouter> router() {
    return router.map(r -> r);
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    PodTemplates.checkFleet(request.fleet());
    PodTemplates.check(request.spec());
    ZonePins.check(request);
    if (router.isPresent()) {
      RouteMapping.checkFleet(request.fleet());
      int port = router.get().config().port();
      if (!request.spec().ports().contains(port)) {
        throw new InvalidSpecException("ports", "must include " + port + ", the port the"
            + " fleet's HTTPRoute sends to (GatewayRoute.port), was " + request.spec().ports());
      }
      router.get().prepare(request.fleet());
    }
    String resource = "fleet " + request.fleet();
    Map<String, String> selector = new LinkedHashMap<>(ZonePins.selector(request));
    selector.put(PodTemplates.LAUNCH, PodTemplates.keyHash(request.requestKey()));
    // this process's launches of one ReplicaSet write one at a time (no 409 rounds among them);
    // the lock is held for the write only, never while the controller makes pods
    Object lock = launchLocks.computeIfAbsent(ZonePins.replicaSetName(request),
        k -> new Object());
    boolean applied;
    synchronized (lock) {
      applied = KubeErrors.call("launch", resource, () -> replicaSets.apply(request));
    }
    // no wait: the ReplicaSet controller creates the pods after this returns, and observe shows
    // them; one list names those that exist already (a retried request's, typically)
    List<Pod> pods = KubeErrors.call("launch", resource, () -> client.pods()
        .inNamespace(namespace).withLabels(selector).list().getItems());
    Instant now = clock.instant();
    List<Instance> launched = pods.stream().map(PodView::new).filter(p -> !p.deleting())
        .sorted(Comparator.comparing(PodView::created).thenComparing(PodView::name))
        .flatMap(v -> v.toInstance(request.fleet(), now, drainGrace, zones.of("launch", v))
            .stream())
        .limit(request.count()).toList();
    LOG.info("fleet={} rollout={} action=launch revision={} key={} zone={} new={} count={}"
        + " named={}", request.fleet(), request.rolloutId(), request.revision(),
        request.requestKey(), request.zone().orElse("any"), applied, request.count(),
        launched.stream().map(Instance::id).toList());
    return launched;
  }

  @Override
  public List<Instance> observe(String fleet) {
    Instant now = clock.instant();
    List<PodView> pods = fleetPods("observe", fleet);
    List<ReplicaSet> sets = KubeErrors.call("observe", "fleet " + fleet, () -> client.apps()
        .replicaSets().inNamespace(namespace).withLabels(PodTemplates.fleetSelector(fleet))
        .list().getItems());
    List<Instance> out = new ArrayList<>(pods.stream()
        .flatMap(v -> v.toInstance(fleet, now, drainGrace, zones.of("observe", v)).stream())
        .toList());
    out.addAll(PendingPods.of(fleet, sets, pods));
    return List.copyOf(out);
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    Instant now = clock.instant();
    Map<String, PodView> pods = byName(fleetPods("health", fleet));
    Map<String, Health> out = new LinkedHashMap<>();
    for (Instance i : instances) {
      PodView pod = pods.get(i.id());
      if (pod != null && pod.ownedBy(fleet) && !pod.deleting()) {
        out.put(i.id(), pod.health(now));
      }
    }
    return out;
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    // a pending pod serves nothing yet: nothing to drain
    List<PodView> owned = requireOwned("drain", fleet, instances.stream()
        .filter(i -> !PendingPods.is(i.id())).toList());
    String now = clock.instant().toString();
    List<String> drained = new ArrayList<>();
    for (PodView pod : owned) {
      if (!pod.drained()) {
        patch("drain", pod.name(), "{\"metadata\":{\"labels\":{\"" + PodTemplates.SERVING
            + "\":\"false\"},\"annotations\":{\"" + PodTemplates.DRAINED_AT + "\":\"" + now
            + "\"}}}");
        drained.add(pod.name());
      }
    }
    LOG.info("fleet={} action=drain pods={}", fleet, drained);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    List<PodView> owned = requireOwned("terminate", fleet, instances.stream()
        .filter(i -> !PendingPods.is(i.id())).toList());
    refuseWeighted(fleet, owned);
    Map<String, Integer> deletedPerReplicaSet = new LinkedHashMap<>();
    // a pending pod is a replica the controller has not made: one fewer replica removes it
    instances.stream().map(Instance::id).filter(PendingPods::is).distinct()
        .map(PendingPods::replicaSet)
        .forEach(rs -> deletedPerReplicaSet.merge(rs, 1, Integer::sum));
    for (PodView pod : owned) {
      boolean deleted = KubeErrors.call("terminate", "pod " + pod.name(), () -> !client.pods()
          .inNamespace(namespace).withName(pod.name()).delete().isEmpty());
      if (deleted) {
        pod.replicaSet(fleet).ifPresent(rs -> deletedPerReplicaSet.merge(rs, 1, Integer::sum));
      }
    }
    deletedPerReplicaSet.forEach((rs, n) -> KubeErrors.run("terminate", "replicaset " + rs,
        () -> replicaSets.scaleDown(fleet, rs, n)));
    LOG.info("fleet={} action=terminate pods={} replicasets={}", fleet,
        owned.stream().map(PodView::name).toList(), deletedPerReplicaSet);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    if (PendingPods.is(instance.id())) {
      throw new ProviderException("taint", "pod " + instance.id(), false, instance.id()
          + " is a replica its ReplicaSet's controller has not created yet; there is no pod to"
          + " label");
    }
    PodView pod = requireOwned("taint", fleet, List.of(instance)).stream().findFirst()
        .orElseThrow(() -> new ProviderException("taint", "pod " + instance.id(), false,
            "pod " + instance.id() + " is gone"));
    String value = PodTemplates.labelValue(reason);
    patch("taint", pod.name(), "{\"metadata\":{\"labels\":{\"" + OwnerLabels.TAINTED + "\":\""
        + (value.isEmpty() ? "tainted" : value) + "\"}}}");
    LOG.info("fleet={} action=taint pod={} reason={}", fleet, pod.name(), value);
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    PodTemplates.checkFleet(fleet);
    Watch watch = KubeErrors.call("watch", "fleet " + fleet, () -> client.pods()
        .inNamespace(namespace).withLabels(PodTemplates.fleetSelector(fleet))
        .watch(new Watcher<Pod>() {
          @Override
          public void eventReceived(Action action, Pod resource) {
            onChange.run();
          }

          @Override
          public void onClose(WatcherException cause) {
            LOG.warn("fleet={} action=watch closed: {}; the engine falls back to polling", fleet,
                cause.getMessage());
          }
        }));
    return watch::close;
  }

  /** Closes the client if the builder created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  /** The pods carrying the fleet label (owned or not), not being deleted; one list call. */
  private List<PodView> fleetPods(String operation, String fleet) {
    PodTemplates.checkFleet(fleet);
    return KubeErrors.call(operation, "fleet " + fleet, () -> client.pods().inNamespace(namespace)
            .withLabels(PodTemplates.fleetSelector(fleet)).list().getItems())
        .stream().map(PodView::new).filter(p -> !p.deleting()).toList();
  }

  /**
   * The pods of {@code instances} that exist, after checking that every one carries Molt's owner
   * labels for the fleet: one list by fleet label, plus one get per id that list does not know
   * (gone, or not labelled as Molt's). Refuses the whole batch, naming the foreign pods, before
   * anything is changed.
   */
  private List<PodView> requireOwned(String operation, String fleet, List<Instance> instances) {
    PodTemplates.checkFleet(fleet);
    Map<String, PodView> labelled = byName(KubeErrors.call(operation, "fleet " + fleet,
        () -> client.pods().inNamespace(namespace).withLabel(OwnerLabels.FLEET, fleet).list()
            .getItems()).stream().map(PodView::new).toList());
    List<PodView> owned = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Instance i : instances) {
      PodView pod = labelled.get(i.id());
      if (pod == null) {
        Pod other = KubeErrors.call(operation, "pod " + i.id(),
            () -> client.pods().inNamespace(namespace).withName(i.id()).get());
        if (other != null) {
          refused.add(i.id());
        }
      } else if (!pod.ownedBy(fleet)) {
        refused.add(i.id());
      } else if (!pod.deleting()) {
        owned.add(pod);
      }
    }
    if (!refused.isEmpty()) {
      throw new ProviderException(operation, "fleet " + fleet, false, "refusing pods " + refused
          + ": they do not carry Molt's owner labels (" + OwnerLabels.MANAGED_BY + "="
          + OwnerLabels.MANAGER + ", " + OwnerLabels.FLEET + "=" + fleet + "); nothing was"
          + " changed");
    }
    return owned;
  }

  /**
   * With a router: refuses the whole batch, before anything is deleted, if a pod still serves
   * (not drained) and its revision has weight above 0 in the split in force (one route read).
   */
  private void refuseWeighted(String fleet, List<PodView> pods) {
    if (router.isEmpty() || pods.stream().allMatch(PodView::drained)) {
      return;
    }
    Map<Revision, Integer> split = router.get().weights(fleet);
    List<String> weighted = pods.stream().filter(p -> !p.drained())
        .filter(p -> p.revision().map(r -> split.getOrDefault(r, 0) > 0).orElse(false))
        .map(PodView::name).toList();
    if (!weighted.isEmpty()) {
      throw new ProviderException("terminate", "fleet " + fleet, false, "refusing pods "
          + weighted + ": they serve and their revision has weight in the split in force "
          + split + "; drain them (or shift their weight away) first; nothing was deleted");
    }
  }

  private void patch(String operation, String pod, String mergePatch) {
    KubeErrors.run(operation, "pod " + pod, () -> client.pods().inNamespace(namespace)
        .withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch));
  }

  private static Map<String, PodView> byName(List<PodView> pods) {
    Map<String, PodView> out = new LinkedHashMap<>();
    pods.forEach(p -> out.put(p.name(), p));
    return out;
  }

  /** Builds a {@link KubernetesProvider}. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private final boolean ownsClient;
    private String namespace;
    private Clock clock = Clock.systemUTC();
    private Duration drainGrace = Duration.ofSeconds(5);
    private GatewayRoute route;

    private Builder(KubernetesClient client, boolean ownsClient) {
      this.client = client;
      this.ownsClient = ownsClient;
    }

    /**
     * Works in {@code name} (default: the client's namespace, else {@code default}).
     *
     * @return this builder
     */
    public Builder namespace(String name) {
      if (name == null || name.isBlank()) {
        throw new InvalidSpecException("namespace", "must be a namespace name, was '" + name + "'");
      }
      this.namespace = name;
      return this;
    }

    /**
     * Sets the clock that dates drains and judges probe windows (default the system clock).
     *
     * @return this builder
     */
    public Builder clock(Clock c) {
      Arguments.required(c, "clock");
      this.clock = c;
      return this;
    }

    /**
     * Sets how long a drained pod stays {@code DRAINING} (endpoint removal propagating to
     * kube-proxies and load balancers, in-flight requests finishing) before it is {@code DRAINED}
     * (default 5 s).
     *
     * @param grace zero or more
     * @return this builder
     */
    public Builder drainGrace(Duration grace) {
      if (grace == null || grace.isNegative()) {
        throw new InvalidSpecException("drainGrace", "must not be negative, was " + grace);
      }
      this.drainGrace = grace;
      return this;
    }

    /**
     * Gives the provider a {@link TrafficRouter}: each fleet's traffic goes through a Gateway
     * API {@code HTTPRoute} (named after the fleet, or as {@code route} names it) attached to
     * the route's Gateway; a split is one update of it, over one Service per revision that the
     * router creates; no split sends to the fleet's shared Service {@code <fleet>-shared}, which
     * the provider creates at the first launch. The Gateway API CRDs must be installed.
     *
     * @param route the Gateway, the port and the route names
     * @return this builder
     */
    public Builder router(GatewayRoute route) {
      Arguments.required(route, "route");
      this.route = route;
      return this;
    }

    /** @return the provider */
    public KubernetesProvider build() {
      if (client == null) {
        client = new KubernetesClientBuilder().build();
      }
      return new KubernetesProvider(this);
    }
  }
}
