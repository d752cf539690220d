package dev.molt.inmemory;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.spi.ExpectedLatencies;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A platform simulated in memory: instances launch, become healthy, drain and fail on the
 * schedule their revision's {@link InstanceBehavior} gives, in the time of an injected clock and
 * scheduler (normally {@link VirtualTime}). It records every call it receives and can be told to
 * fail calls, so tests and simulations can assert what the engine asked of the platform.
 *
 * <p>A product feature, not a test helper: the README demo and the benchmarks run on it. It
 * refuses, as real providers must, to drain or terminate anything without Molt's owner labels.
 *
 * <p>Zones: a launch that asks for a zone ({@link LaunchRequest#zone()}) is placed there; one that
 * does not is spread over the builder's {@link Builder#zones zones}, round-robin per fleet in
 * launch order (deterministic), or gets no zone when none are set. The zone is the instance's
 * {@link OwnerLabels#ZONE} label.
 * Thread-safe.
 */
public final class InMemoryProvider implements Provider {
  private final Clock clock;
  private final InstanceBehavior defaultBehavior;
  private final Map<Revision, InstanceBehavior> behaviors = new HashMap<>();
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final Map<String, List<Instance>> launchesByKey = new HashMap<>();
  private final Watchers watchers;
  private final CallLedger ledger = new CallLedger();
  private final Optional<InMemoryRouter> router;
  private final List<String> zones;
  private final Map<String, Integer> nextZone = new HashMap<>();
  private long nextId = 1;

  private InMemoryProvider(Builder b) {
    this.router = b.routed ? Optional.of(new InMemoryRouter(b.clock, this::routerCall))
        : Optional.empty();
    this.clock = b.clock;
    this.watchers = new Watchers(b.scheduler);
    this.defaultBehavior = b.defaultBehavior;
    this.behaviors.putAll(b.behaviors);
    this.zones = b.zones;
  }

  /** @return a builder on virtual time */
  public static Builder builder(VirtualTime time) {
    return new Builder(time.clock(), time);
  }

  /** @return a builder on any clock and scheduler */
  public static Builder builder(Clock clock, Scheduler scheduler) {
    return new Builder(clock, scheduler);
  }

  /** Scripts how instances of {@code revision} launched from now on behave. */
  public synchronized void script(Revision revision, InstanceBehavior behavior) {
    behaviors.put(Arguments.required(revision, "revision"), Arguments.required(behavior, "behavior"));
  }

  /**
   * Makes the next {@code times} calls of {@code operation} fail.
   *
   * @param operation an SPI operation name ({@code launch}, {@code observe}...)
   * @param times how many calls fail
   * @param retryable whether the failure says retrying may help (throttling) or not
   */
  public void failNext(String operation, int times, boolean retryable) {
    ledger.failNext(operation, times, retryable);
  }

  /**
   * Makes the next {@code times} launches succeed on the platform but fail (retryably) on the way
   * back, as when a response is lost: a retry with the same request key must not launch again.
   *
   * @param times how many launch responses are lost
   */
  public void loseLaunchResponses(int times) {
    ledger.loseLaunchResponses(times);
  }

  /**
   * Installs a fault hook consulted on every call and launch from now on, replacing the previous
   * one ({@link FaultHook#NONE} removes it).
   *
   * @param hook the hook
   */
  public void faults(FaultHook hook) {
    ledger.hook(Arguments.required(hook, "hook"));
  }

  /**
   * @return ids of instances a drain or terminate was refused for because Molt does not own them,
   *     oldest first: empty unless something tried to touch a foreign instance
   */
  public List<String> refusals() {
    return ledger.refusals();
  }

  /** @return how many instances were ever created in {@code fleet}, terminated ones included */
  public synchronized long createdCount(String fleet) {
    return machines.values().stream().filter(m -> m.fleet.equals(fleet)).count();
  }

  /**
   * Adds an instance that Molt did not create (no owner labels, or other owners), to check that
   * nothing touches it.
   *
   * @param id its id
   * @param fleet the fleet it pretends to belong to
   * @param revision its revision
   * @param labels its labels
   */
  public synchronized void addForeign(String id, String fleet, Revision revision,
      Map<String, String> labels) {
    Machine m = new Machine(id, fleet, revision, labels, Optional.empty(), clock.instant(),
        InstanceBehavior.healthy(Duration.ZERO, Duration.ZERO));
    machines.put(id, m);
  }

  /** @return every call received so far, oldest first */
  public List<Call> calls() {
    return ledger.calls();
  }

  /** @return how many calls of {@code operation} were received */
  public long callCount(String operation) {
    return ledger.callCount(operation);
  }

  /**
   * Lists every instance of the platform in the fleet, owned or not, as it is now (terminated ones
   * excluded), with health merged into the state.
   *
   * @param fleet the fleet name
   * @return the instances
   */
  public synchronized List<Instance> instances(String fleet) {
    Instant now = clock.instant();
    List<Instance> out = new ArrayList<>();
    for (Machine m : machines.values()) {
      if (m.fleet.equals(fleet) && m.state(now) != InstanceState.TERMINATED) {
        Instance i = m.toInstance(now);
        Health h = m.health(now);
        if (i.state() == InstanceState.RUNNING && h != Health.UNKNOWN) {
          i = i.withState(h == Health.HEALTHY ? InstanceState.HEALTHY : InstanceState.UNHEALTHY,
              i.stateSince());
        }
        out.add(i);
      }
    }
    return out;
  }

  /** @return whether instance {@code id} exists and is not terminated */
  public synchronized boolean isAlive(String id) {
    Machine m = machines.get(id);
    return m != null && m.state(clock.instant()) != InstanceState.TERMINATED;
  }

  @Override
  public String name() {
    return "in-memory";
  }

  /** @return the in-memory router, unless built {@link Builder#withoutRouter() without} one */
  @Override
  public Optional<TrafficRouter> router() {
    return router.map(r -> r);
  }

  /**
   * Every weight change the router received for {@code fleet}, oldest first.
   *
   * @param fleet the fleet name
   * @return the changes; empty without a router
   */
  public List<WeightChange> weightHistory(String fleet) {
    return router.map(r -> r.history(fleet)).orElse(List.of());
  }

  /** @return the latencies of the default instance behavior */
  @Override
  public ExpectedLatencies expectedLatencies() {
    return new ExpectedLatencies(defaultBehavior.launchLatency(), defaultBehavior.timeToHealthy(),
        defaultBehavior.drainTime());
  }

  /**
   * Adds owned, already-healthy copies of instances observed elsewhere (same ids, revisions and
   * labels), so a simulation can start from a real fleet's state. Used by plans.
   *
   * @param instances the instances to copy
   */
  public synchronized void adopt(List<Instance> instances) {
    Instant now = clock.instant();
    for (Instance i : instances) {
      InstanceBehavior behavior = i.isHealthy()
          ? InstanceBehavior.healthy(Duration.ZERO, Duration.ZERO).withDrainTime(
              defaultBehavior.drainTime())
          : behaviors.getOrDefault(i.revision(), defaultBehavior);
      machines.put(i.id(), new Machine(i.id(), i.fleet(), i.revision(), i.labels(), i.address(),
          now, behavior));
    }
  }

  @Override
  public synchronized List<Instance> launch(LaunchRequest request) {
    record("launch", request.fleet(), request.count());
    List<Instance> earlier = launchesByKey.get(request.requestKey());
    if (earlier != null) {
      return earlier;
    }
    Instant now = clock.instant();
    Revision revision = request.revision(); // hashes the spec: once per call, not per instance
    Map<String, Map<String, String>> labelsByZone = new HashMap<>();
    InstanceBehavior scripted = behaviors.getOrDefault(revision, defaultBehavior);
    List<Instance> launched = new ArrayList<>(request.count());
    List<InstanceBehavior> chosen = new ArrayList<>(request.count());
    int port = request.spec().ports().isEmpty() ? 80 : request.spec().ports().get(0);
    for (int n = 0; n < request.count(); n++) {
      InstanceBehavior behavior = ledger.behaviorOf(request.fleet(), revision, scripted);
      chosen.add(behavior);
      long seq = nextId++;
      String id = String.format("%s-%05d", request.fleet(), seq);
      while (machines.containsKey(id)) { // adopted instances may use the same id scheme
        id = String.format("%s-%05d", request.fleet(), seq = nextId++);
      }
      String address = "10." + (seq >> 16 & 255) + "." + (seq >> 8 & 255) + "." + (seq & 255)
          + ":" + port;
      Optional<String> zone = request.zone().or(() -> nextZone(request.fleet()));
      Map<String, String> labels = labelsByZone.computeIfAbsent(zone.orElse(""),
          z -> labels(request, zone));
      Machine m = new Machine(id, request.fleet(), revision, labels, Optional.of(address), now,
          behavior);
      machines.put(id, m);
      launched.add(m.toInstance(now));
    }
    launchesByKey.put(request.requestKey(), List.copyOf(launched));
    if (ledger.loseThisLaunchResponse()) {
      throw new ProviderException("launch", "fleet " + request.fleet(), true,
          "injected fault: response lost after the platform launched " + request.count());
    }
    chosen.stream().distinct().forEach(behavior -> watchers.launched(request.fleet(), behavior));
    return List.copyOf(launched);
  }

  /** The owner labels, and the zone if there is one: one map for every instance of a zone. */
  private static Map<String, String> labels(LaunchRequest request, Optional<String> zone) {
    if (zone.isEmpty()) {
      return Arguments.copyOf(request.ownerLabels(), "labels");
    }
    Map<String, String> labels = new HashMap<>(request.ownerLabels());
    labels.put(OwnerLabels.ZONE, zone.get());
    return Arguments.copyOf(labels, "labels");
  }

  /** The next of the builder's zones for {@code fleet}, round-robin; empty without zones. */
  private Optional<String> nextZone(String fleet) {
    if (zones.isEmpty()) {
      return Optional.empty();
    }
    int n = nextZone.merge(fleet, 1, Integer::sum) - 1;
    return Optional.of(zones.get(n % zones.size()));
  }

  @Override
  public synchronized List<Instance> observe(String fleet) {
    Instant now = clock.instant();
    List<Instance> out = new ArrayList<>();
    for (Machine m : machines.values()) {
      if (m.fleet.equals(fleet) && m.state(now) != InstanceState.TERMINATED
          && OwnerLabels.isOwned(m.labels, fleet)) {
        out.add(m.toInstance(now));
      }
    }
    record("observe", fleet, out.size());
    return out;
  }

  @Override
  public synchronized Map<String, Health> health(String fleet, List<Instance> instances) {
    record("health", fleet, instances.size());
    Instant now = clock.instant();
    Map<String, Health> out = new HashMap<>(instances.size() * 4 / 3 + 1);
    for (Instance i : instances) {
      Machine m = machines.get(i.id());
      if (m != null) {
        out.put(i.id(), m.health(now));
      }
    }
    return out;
  }

  @Override
  public synchronized void drain(String fleet, List<Instance> instances) {
    record("drain", fleet, instances.size());
    Instant now = clock.instant();
    List<Machine> targets = owned("drain", fleet, instances);
    Duration longest = Duration.ZERO;
    for (Machine m : targets) {
      if (m.drainAt == null) {
        m.drainAt = now;
        longest = m.behavior.drainTime().compareTo(longest) > 0 ? m.behavior.drainTime() : longest;
      }
    }
    watchers.notifyAt(fleet, longest);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    // read the split before taking this lock: the router calls into this provider under its own
    Map<Revision, Integer> split = router.map(r -> r.weights(fleet)).orElse(Map.of());
    synchronized (this) {
      record("terminate", fleet, instances.size());
      Instant now = clock.instant();
      List<Machine> targets = owned("terminate", fleet, instances);
      for (Machine m : targets) {
        int weight = split.getOrDefault(m.revision, 0);
        if (weight > 0 && m.drainAt == null && m.terminatedAt == null
            && m.health(now) == Health.HEALTHY) {
          throw new ProviderException("terminate", "instance " + m.id, false, "refusing: it"
              + " still serves traffic (revision " + m.revision + " has " + weight + "%); drain"
              + " it or move its revision's traffic off first");
        }
      }
      targets.stream().filter(m -> m.terminatedAt == null).forEach(m -> m.terminatedAt = now);
    }
  }

  @Override
  public synchronized void taint(String fleet, Instance instance, String reason) {
    record("taint", fleet, 1);
    for (Machine m : owned("taint", fleet, List.of(instance))) {
      Map<String, String> labels = new HashMap<>(m.labels);
      labels.put(OwnerLabels.TAINTED, reason);
      m.labels = Arguments.copyOf(labels, "labels");
    }
    watchers.notifyAt(fleet, Duration.ZERO);
  }

  /**
   * Sets a label on an instance as an operator would with the platform's own tools, bypassing
   * Molt (for example {@link OwnerLabels#TAINTED} after a break-glass login). Not recorded as a
   * call. Works on any instance, owned or not.
   *
   * @param id the instance id
   * @param key the label key
   * @param value the label value
   */
  public synchronized void label(String id, String key, String value) {
    Machine m = machine(id);
    Map<String, String> labels = new HashMap<>(m.labels);
    labels.put(Arguments.notBlank(key, "key"), Arguments.required(value, "value"));
    m.labels = Arguments.copyOf(labels, "labels");
  }

  /**
   * Makes instance {@code id} fail its health check from now on, as a hung process would, until
   * {@link #restoreHealth}. Not recorded as a call; watchers are told.
   *
   * @param id the instance id
   * @throws IllegalArgumentException if there is no such instance
   */
  public synchronized void failHealth(String id) {
    Machine m = machine(id);
    if (m.outageSince == null) {
      m.outageSince = clock.instant();
    }
    watchers.notifyAt(m.fleet, Duration.ZERO);
  }

  /**
   * Ends what {@link #failHealth} began: from now on instance {@code id} passes its health check
   * again as its behavior says, in a healthy streak that starts now.
   *
   * @param id the instance id
   * @throws IllegalArgumentException if there is no such instance
   */
  public synchronized void restoreHealth(String id) {
    Machine m = machine(id);
    if (m.outageSince != null) {
      m.outageSince = null;
      m.recoveredAt = clock.instant();
    }
    watchers.notifyAt(m.fleet, Duration.ZERO);
  }

  /**
   * The platform loses instance {@code id}, as a host crash would: from now on it is {@code
   * FAILED} (not healthy, out of traffic, whatever it was doing), until someone terminates it.
   * Not recorded as a call; watchers are told. Losing a lost or terminated instance changes
   * nothing.
   *
   * @param id the instance id
   * @throws IllegalArgumentException if there is no such instance
   */
  public synchronized void lose(String id) {
    Machine m = machine(id);
    if (m.lostAt == null && m.terminatedAt == null) {
      m.lostAt = clock.instant();
    }
    watchers.notifyAt(m.fleet, Duration.ZERO);
  }

  /** @return the clock this platform's instances and calls follow */
  public Clock clock() {
    return clock;
  }

  private Machine machine(String id) {
    Machine m = machines.get(Arguments.notBlank(id, "id"));
    if (m == null) {
      throw new IllegalArgumentException("no instance " + id);
    }
    return m;
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return watchers.watch(Arguments.notBlank(fleet, "fleet"), Arguments.required(onChange, "onChange"));
  }

  private List<Machine> owned(String operation, String fleet, List<Instance> instances) {
    List<Machine> out = new ArrayList<>(instances.size());
    for (Instance i : instances) {
      Machine m = machines.get(i.id());
      if (m == null) {
        continue; // already gone: terminating twice is not an error
      }
      if (!m.fleet.equals(fleet) || !OwnerLabels.isOwned(m.labels, fleet)) {
        ledger.refused(i.id());
        throw new ProviderException(operation, "instance " + i.id(), false,
            "refusing: it does not carry Molt's owner labels for fleet " + fleet);
      }
      out.add(m);
    }
    return out;
  }

  /** Router calls appear in {@link #calls()} as {@code set-weights}, and can be failed. */
  private synchronized void routerCall(String fleet, int revisions) {
    record("set-weights", fleet, revisions);
  }

  private void record(String operation, String fleet, int count) {
    ledger.record(operation, fleet, count, clock.instant());
  }

  /** Builds an {@link InMemoryProvider}. Not thread-safe. */
  public static final class Builder {
    private final Clock clock;
    private final Scheduler scheduler;
    private InstanceBehavior defaultBehavior = InstanceBehavior.defaults();
    private final Map<Revision, InstanceBehavior> behaviors = new HashMap<>();
    private boolean routed = true;
    private List<String> zones = List.of();

    private Builder(Clock clock, Scheduler scheduler) {
      this.clock = Arguments.required(clock, "clock");
      this.scheduler = Arguments.required(scheduler, "scheduler");
    }

    /** Sets how instances of unscripted revisions behave. @return this builder */
    public Builder defaultBehavior(InstanceBehavior behavior) {
      this.defaultBehavior = Arguments.required(behavior, "defaultBehavior");
      return this;
    }

    /** Scripts how instances of {@code revision} behave. @return this builder */
    public Builder behavior(Revision revision, InstanceBehavior behavior) {
      behaviors.put(Arguments.required(revision, "revision"), Arguments.required(behavior, "behavior"));
      return this;
    }

    /**
     * Builds a platform without a traffic router (by default it has an {@link InMemoryRouter}),
     * so canary weights are approximated by replica ratios.
     *
     * @return this builder
     */
    public Builder withoutRouter() {
      this.routed = false;
      return this;
    }

    /**
     * Spreads launches that ask for no zone over {@code names}, round-robin per fleet in launch
     * order: the first instance of a fleet goes to the first zone, the next to the second, and so
     * on. By default there are none, and such instances carry no zone label. A launch that asks
     * for a zone is always placed there, listed or not.
     *
     * @param names the zones, each non-blank, no duplicates
     * @return this builder
     * @throws InvalidSpecException if a name is blank or repeated
     */
    public Builder zones(String... names) {
      List<String> list = List.of(Arguments.required(names, "zones"));
      for (String z : list) {
        Arguments.notBlank(z, "zones");
      }
      if (list.stream().distinct().count() != list.size()) {
        throw new InvalidSpecException("zones", "names a zone twice: " + list
            + "; list each zone once");
      }
      this.zones = list;
      return this;
    }

    /** @return the provider */
    public InMemoryProvider build() {
      return new InMemoryProvider(this);
    }
  }
}
