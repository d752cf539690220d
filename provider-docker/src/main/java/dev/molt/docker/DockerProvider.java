package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.molt.Arguments;
import dev.molt.HealthCheck;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import dev.molt.docker.haproxy.HaproxyServer;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import dev.molt.time.Cancellable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fleet as containers on a Docker Engine, optionally behind an HAProxy backend.
 *
 * <pre>{@code
 * DockerProvider docker = DockerProvider.builder().router(router).build(); // DOCKER_HOST
 * Image v2 = docker.images().resolve("registry.example/web:2.1");            // pinned digest
 * }</pre>
 *
 * <ul>
 *   <li><b>launch</b> pulls the pinned image by digest when the engine lacks it (see {@link
 *       Builder#registryCredentials}; a digest that cannot be pulled is a non-retryable {@link
 *       ProviderException} naming the image), then creates and starts one container per instance
 *       (starting what an interrupted attempt of the same request created), named {@code
 *       molt-<fleet>-<revision>-<key hash>-<i>} so that a retried request finds its containers
 *       instead of adding more. Containers carry the {@link dev.molt.OwnerLabels}, the request key and their
 *       health check as labels, get the spec's environment and resolved secrets, and publish the
 *       spec's ports on an ephemeral port of {@code 127.0.0.1} (see {@link
 *       Builder#publishOn(String)}). With a router each is added to the backend in maintenance.
 *   <li><b>observe</b> is one list call filtered by labels on the engine (plus one {@code show
 *       servers state} / {@code show stat} pair with a router). Running containers are {@code
 *       RUNNING}; created ones {@code LAUNCHING}; exited or dead ones {@code FAILED}.
 *   <li><b>health</b> uses the image's own HEALTHCHECK when it has one, else probes the spec's
 *       health check at the container's address (HTTP GET 2xx/3xx or TCP connect, within its
 *       timeout, at most once per {@link HealthCheck#interval()}; a {@code PLATFORM} check without
 *       HEALTHCHECK trusts "running"). With a router,
 *       healthy instances are then put in rotation, as Kubernetes puts ready pods in a Service,
 *       weighted by the split in force: a server of a revision whose share is 0 joins with weight
 *       0, so a previewed green or an unweighted canary gets no traffic.
 *   <li><b>router</b> is the HAProxy router given to the builder: the engine sets canary and
 *       blue-green splits through it, one runtime API call per switch.
 *   <li><b>drain</b> with a router sets the servers to drain: the instance is {@code DRAINING}
 *       until HAProxy shows no session in flight, then {@code DRAINED}. Without a router nothing
 *       routes through Molt, so drained instances are {@code DRAINED} at once.
 *   <li><b>terminate</b> removes the server from the backend, stops the container with a grace
 *       period (SIGTERM, then SIGKILL; default 10 s) and removes it. A batch holding a healthy,
 *       undrained container that HAProxy still sends traffic to is refused whole (non-retryable).
 * </ul>
 *
 * <p><b>Secure defaults</b>: read-only root filesystem, {@code no-new-privileges}, every
 * capability dropped, a non-root user (the image's own, else {@code 65534:65534}), at most 1024
 * processes, no swap beyond a memory limit, an init process as PID 1, no restart policy. Opt out
 * per spec with options:
 *
 * <table>
 *   <caption>LaunchSpec options read by the Docker provider</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code docker.readOnlyRootfs}</td><td>true</td><td>{@code false} gives a writable
 *       root filesystem</td></tr>
 *   <tr><td>{@code docker.noNewPrivileges}</td><td>true</td><td>{@code false} lets setuid
 *       binaries gain privileges</td></tr>
 *   <tr><td>{@code docker.capAdd}</td><td>none</td><td>capabilities added back, comma-separated
 *       ({@code NET_BIND_SERVICE,CHOWN})</td></tr>
 *   <tr><td>{@code docker.tmpfs}</td><td>none</td><td>writable tmpfs mounts, comma-separated
 *       paths ({@code /tmp,/run})</td></tr>
 *   <tr><td>{@code docker.nonRoot}</td><td>true</td><td>{@code false} runs as the image's
 *       user, root included</td></tr>
 *   <tr><td>{@code docker.user}</td><td>the image's non-root user, else {@code
 *       65534:65534}</td><td>user to run as ({@code 1000:1000}); root only with {@code
 *       docker.nonRoot=false}</td></tr>
 *   <tr><td>{@code docker.pidsLimit}</td><td>1024</td><td>a positive number or {@code
 *       unlimited}</td></tr>
 *   <tr><td>{@code docker.memory}</td><td>none</td><td>memory limit ({@code 256m})</td></tr>
 *   <tr><td>{@code docker.memorySwap}</td><td>equal to the memory limit</td><td>memory plus
 *       swap ({@code 512m}) or {@code unlimited}</td></tr>
 *   <tr><td>{@code docker.network}</td><td>engine's</td><td>network to join</td></tr>
 *   <tr><td>{@code docker.command}</td><td>image's</td><td>command, space-separated</td></tr>
 * </table>
 *
 * Unknown {@code docker.*} options are rejected with an {@link InvalidSpecException} before any
 * container is created. Containers without Molt's owner labels for the fleet are never listed,
 * drained, stopped or removed: drain and terminate refuse them with a non-retryable {@link
 * ProviderException}.
 *
 * <p>Thread-safe. {@link #close()} closes the Docker client if the builder created it.
 */
public final class DockerProvider implements Provider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);

  private final DockerClient client;
  private final boolean ownsClient;
  private final Optional<HaproxyTrafficRouter> router;
  private final Optional<String> publishOn;
  private final Duration stopGrace;
  private final Clock clock;
  private final ContainerLauncher launcher;
  private final FleetContainers containers;
  private final HealthProbe probe = new HealthProbe();
  private final Batches batches;
  private final FailureDetails failures;
  private final CreatedLeftovers leftovers;
  private final Map<String, Instant> drainingSince = new ConcurrentHashMap<>();

  private DockerProvider(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.router = b.router;
    this.publishOn = b.publishOn;
    this.stopGrace = b.stopGrace;
    this.clock = b.clock;
    this.batches = new Batches(b.parallelism);
    this.launcher = new ContainerLauncher(client, b.secrets, publishOn,
        new ImagePuller(client, b.credentials, b.pullTimeout), batches, b.zone);
    this.containers = new FleetContainers(client, batches);
    this.failures = new FailureDetails(client);
    this.leftovers = new CreatedLeftovers(b.createdLeftoverAfter, launcher::launching);
  }

  /**
   * Starts a builder talking to the engine named by {@code DOCKER_HOST} (default {@code
   * unix:///var/run/docker.sock}).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder(DockerClients.fromEnvironment(), true);
  }

  /**
   * Starts a builder talking to the engine at {@code dockerHost}.
   *
   * @param dockerHost such as {@code unix:///var/run/docker.sock} or {@code tcp://10.0.0.5:2376}
   * @return a builder
   */
  public static Builder builder(String dockerHost) {
    return new Builder(DockerClients.forHost(dockerHost), true);
  }

  /**
   * Starts a builder using a client the caller configured (and closes).
   *
   * @param client a docker-java client
   * @return a builder
   */
  public static Builder builder(DockerClient client) {
    return new Builder(Arguments.required(client, "client"), false);
  }

  @Override
  public String name() {
    return "docker";
  }

  /** @return a resolver that pins tags on this provider's engine */
  public DockerImages images() {
    return DockerImages.of(client);
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    List<String> ids = launcher.launch(request);
    List<Instance> launched = new ArrayList<>();
    for (Container c : containers.list("launch", request.fleet(),
        Map.of(DockerLabels.LAUNCH_KEY, request.requestKey()))) {
      ContainerView view = new ContainerView(c);
      if (ids.contains(view.id())) {
        view.toInstance(request.fleet(), publishOn, view.state(), view.created())
            .ifPresent(launched::add);
      }
    }
    LOG.info("fleet={} action=launch revision={} key={} containers={}", request.fleet(),
        request.revision(), request.requestKey(), launched.stream().map(Instance::id).toList());
    router.ifPresent(r -> {
      if (request.holdTraffic()) {
        r.hold(launched);
      }
      r.add(launched.stream().filter(i -> i.address().isPresent()).toList());
    });
    return launched;
  }

  @Override
  public List<Instance> observe(String fleet) {
    Map<String, HaproxyServer> servers = routerServers();
    List<Instance> out = new ArrayList<>();
    Instant now = clock.instant();
    for (ContainerView view : containers.byName("observe", fleet).values()) {
      InstanceState state = leftovers.state(view, drainState(view.name(), view.state(),
          servers), now);
      Instant since = state.isDraining()
          ? drainingSince.computeIfAbsent(view.name(), k -> now) : view.created();
      boolean leftover = leftovers.isLeftover(view, view.state(), now);
      view.toInstance(fleet, publishOn, state, since)
          .map(i -> leftover ? i : failures.annotate(i, view, probe.failure(view), now))
          .ifPresent(out::add);
    }
    router.ifPresent(r -> r.adopt(out));
    return out;
  }



  private InstanceState drainState(String name, InstanceState base,
      Map<String, HaproxyServer> servers) {
    if (base != InstanceState.RUNNING) {
      return base;
    }
    HaproxyServer server = servers.get(name);
    if (server != null && server.draining()) {
      return server.idle() ? InstanceState.DRAINED : InstanceState.DRAINING;
    }
    // no router, or the server is gone: nothing Molt routes reaches it any more
    return drainingSince.containsKey(name) && server == null ? InstanceState.DRAINED : base;
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    Map<String, ContainerView> views = containers.byName("health", fleet);
    Map<String, CompletableFuture<Health>> pending = new LinkedHashMap<>();
    for (Instance i : instances) {
      ContainerView view = views.get(i.id());
      if (view != null && view.ownedBy(fleet) && view.state() == InstanceState.RUNNING) {
        pending.put(i.id(), verdict(view));
      }
    }
    CompletableFuture.allOf(pending.values().toArray(new CompletableFuture<?>[0])).join();
    Map<String, Health> out = new LinkedHashMap<>();
    pending.forEach((id, f) -> out.put(id, f.join()));
    router.ifPresent(r -> admitHealthy(r, instances, out));
    return out;
  }

  private CompletableFuture<Health> verdict(ContainerView view) {
    return probe.verdict(view, publishOn, clock.instant());
  }


  /** Healthy instances not yet in rotation (and not draining) are admitted, in one batch. */
  private void admitHealthy(HaproxyTrafficRouter r, List<Instance> instances,
      Map<String, Health> verdicts) {
    Map<String, HaproxyServer> servers = byServerName(r.servers());
    List<Instance> admit = instances.stream()
        .filter(i -> verdicts.get(i.id()) == Health.HEALTHY && i.address().isPresent())
        .filter(i -> {
          HaproxyServer s = servers.get(i.id());
          return s == null || (s.maintenance() && !s.draining());
        })
        .toList();
    if (!admit.isEmpty()) {
      r.admit(admit);
    }
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    List<ContainerView> owned = containers.requireOwned("drain", fleet, instances);
    Instant now = clock.instant();
    List<Instance> draining = instances.stream()
        .filter(i -> owned.stream().anyMatch(v -> v.name().equals(i.id()))).toList();
    router.ifPresent(r -> r.drain(draining));
    draining.forEach(i -> drainingSince.putIfAbsent(i.id(), now));
    LOG.info("fleet={} action=drain containers={}", fleet,
        draining.stream().map(Instance::id).toList());
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    List<ContainerView> owned = containers.requireOwned("terminate", fleet, instances);
    refuseServing(owned);
    router.ifPresent(r -> r.remove(instances.stream()
        .filter(i -> owned.stream().anyMatch(v -> v.name().equals(i.id()))).toList()));
    containers.stopAndRemoveAll(owned, stopGrace);
    for (ContainerView view : owned) {
      drainingSince.remove(view.name());
      probe.forget(view.name());
      failures.forget(view.id());
      leftovers.forget(view.id());
    }
    LOG.info("fleet={} action=terminate containers={}", fleet,
        owned.stream().map(ContainerView::name).toList());
  }

  /**
   * Refuses, before touching any, a batch holding a running container that HAProxy still sends
   * new requests to (in rotation with a weight above 0) and that was not drained: terminate never
   * cuts off traffic; drain first, or move its revision's share off.
   */
  private void refuseServing(List<ContainerView> owned) {
    Map<String, HaproxyServer> servers = routerServers();
    for (ContainerView view : owned) {
      HaproxyServer server = servers.get(view.name());
      if (server != null && server.inRotation() && server.weight() > 0
          && view.state() == InstanceState.RUNNING && !drainingSince.containsKey(view.name())
          && view.ownHealth().orElse(Health.HEALTHY) == Health.HEALTHY) {
        throw new ProviderException("terminate", view.name(), false, "refusing to terminate "
            + view.name() + ": it still serves traffic (HAProxy weight " + server.weight()
            + "); drain it or move its revision's traffic off first");
      }
    }
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return containers.watch(fleet, onChange);
  }

  /** @return the HAProxy router, when the builder was given one */
  @Override
  public Optional<TrafficRouter> router() {
    return router.map(r -> r);
  }

  private Map<String, HaproxyServer> routerServers() {
    return router.map(r -> byServerName(r.servers())).orElse(Map.of());
  }

  private static Map<String, HaproxyServer> byServerName(List<HaproxyServer> servers) {
    Map<String, HaproxyServer> out = new LinkedHashMap<>();
    servers.forEach(s -> out.put(s.name(), s));
    return out;
  }

  /** Stops the health probes and, if the builder created it, closes the Docker client. */
  @Override
  public void close() {
    probe.close();
    batches.close();
    if (ownsClient) {
      FleetContainers.closeQuietly(client);
    }
  }

  /** Builds a {@link DockerProvider}. Not thread-safe. */
  public static final class Builder {
    private final DockerClient client;
    private final boolean ownsClient;
    private Optional<HaproxyTrafficRouter> router = Optional.empty();
    private SecretResolver secrets = SecretResolver.none();
    private Optional<String> publishOn = Optional.of("127.0.0.1");
    private Duration stopGrace = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private final Map<String, RegistryCredentials> credentials = new LinkedHashMap<>();
    private Duration pullTimeout = Duration.ofMinutes(5);
    private int parallelism = 4;
    private Optional<String> zone = Optional.empty();
    private Duration createdLeftoverAfter = CreatedLeftovers.DEFAULT_AFTER;

    private Builder(DockerClient client, boolean ownsClient) {
      this.client = client;
      this.ownsClient = ownsClient;
    }

    /** Routes traffic through an HAProxy backend (default: none). @return this builder */
    public Builder router(HaproxyTrafficRouter haproxy) {
      this.router = Optional.of(Arguments.required(haproxy, "router"));
      return this;
    }

    /** Resolves the specs' secret references (default: {@link SecretResolver#none()}). @return this builder */
    public Builder secrets(SecretResolver resolver) {
      this.secrets = Arguments.required(resolver, "secrets");
      return this;
    }

    /**
     * Publishes the containers' ports on ephemeral ports of {@code hostIp} and gives instances
     * addresses there (default {@code 127.0.0.1}: reachable from this machine only).
     *
     * @param hostIp an IP address of the engine's host that this process can reach
     * @return this builder
     */
    public Builder publishOn(String hostIp) {
      if (hostIp == null || hostIp.isBlank()) {
        throw new InvalidSpecException("publishOn", "must be an IP address, was '" + hostIp + "'");
      }
      this.publishOn = Optional.of(hostIp);
      return this;
    }

    /**
     * Publishes no ports: instances are addressed by their container IP on the engine's network
     * (for a router or prober that runs on that network).
     *
     * @return this builder
     */
    public Builder containerAddresses() {
      this.publishOn = Optional.empty();
      return this;
    }

    /** Sets how long a stop waits after SIGTERM before SIGKILL (default 10 s). @return this builder */
    public Builder stopGrace(Duration grace) {
      this.stopGrace = Arguments.nonNegative(grace, "stopGrace");
      return this;
    }

    /** Sets the clock that dates drains (default the system clock). @return this builder */
    public Builder clock(Clock c) {
      this.clock = Arguments.required(c, "clock");
      return this;
    }

    /**
     * Logs in to a registry when pulling an image the engine lacks (default: none, so pulls use
     * whatever the client's Docker config, {@code ~/.docker/config.json}, holds). One login per
     * registry; a later one for the same registry replaces it. The password is never logged.
     *
     * @param login the registry, user and password
     * @return this builder
     */
    public Builder registryCredentials(RegistryCredentials login) {
      Arguments.required(login, "registryCredentials");
      credentials.put(login.registry(), login);
      return this;
    }

    /**
     * Sets how long a launch waits for the pull of a missing image (default 5 min); a pull that
     * takes longer fails the launch, retryably.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder pullTimeout(Duration timeout) {
      this.pullTimeout = Arguments.positive(timeout, "pullTimeout");
      return this;
    }

    /**
     * Sets how many containers the provider creates, starts, stops or removes at once (default 4):
     * the containers of one launch or terminate batch go side by side, up to this many across the
     * provider. 1 makes every batch sequential.
     *
     * @param containers at least 1
     * @return this builder
     */
    public Builder parallelism(int containers) {
      this.parallelism = Arguments.positive(containers, "parallelism");
      return this;
    }

    /**
     * Sets the zone of this engine's host (default: none): containers launched without a zone in
     * their request ({@code LaunchRequest.zone}) are labelled with it ({@code molt.dev/zone}), and
     * the provider reports it on their instances. A request's own zone always wins: an engine
     * cannot place a container elsewhere, so it is the caller's to ask each host's provider only
     * for the zone it is in.
     *
     * @param name the zone, not blank
     * @return this builder
     */
    public Builder zone(String name) {
      this.zone = Optional.of(Arguments.notBlank(name, "zone"));
      return this;
    }

    /** Tests: how long a container may stay {@code Created} before it is a leftover (30 s). */
    Builder createdLeftoverAfter(Duration after) {
      this.createdLeftoverAfter = Arguments.positive(after, "createdLeftoverAfter");
      return this;
    }

    /** @return the provider */
    public DockerProvider build() {
      return new DockerProvider(this);
    }
  }
}
