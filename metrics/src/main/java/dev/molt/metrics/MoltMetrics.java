package dev.molt.metrics;

import dev.molt.Arguments;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.ProviderException;
import dev.molt.engine.RolloutListener;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.store.ControlRequest;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Molt's meters on a Micrometer {@link MeterRegistry}. As a {@link RolloutListener} (give it to
 * {@code RolloutEngine.Builder.listener}) it records, from the events of every rollout:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code molt.rollouts}</td><td>gauge: rollouts now in each phase</td>
 *       <td>{@code phase}</td></tr>
 *   <tr><td>{@code molt.rollouts.ended}</td><td>counter</td><td>{@code strategy, outcome}</td></tr>
 *   <tr><td>{@code molt.rollout.duration}</td><td>timer, start to end</td>
 *       <td>{@code strategy, outcome}</td></tr>
 *   <tr><td>{@code molt.step.duration}</td><td>timer, one strategy step</td>
 *       <td>{@code strategy}</td></tr>
 *   <tr><td>{@code molt.analysis.duration}</td><td>timer, measurement start to verdict</td>
 *       <td>{@code gate, verdict}</td></tr>
 *   <tr><td>{@code molt.gate.verdicts}</td><td>counter</td><td>{@code gate, verdict}</td></tr>
 *   <tr><td>{@code molt.traffic.weight}</td><td>gauge: percent of traffic</td>
 *       <td>{@code fleet, revision}</td></tr>
 *   <tr><td>{@code molt.instances.launched}</td><td>counter</td>
 *       <td>{@code fleet, revision}</td></tr>
 *   <tr><td>{@code molt.instances.terminated}, {@code molt.instances.failed}</td>
 *       <td>counters (failed: new instances that failed and were replaced)</td>
 *       <td>{@code fleet}</td></tr>
 *   <tr><td>{@code molt.provider.retries}</td><td>counter: platform errors the engine retried
 *       </td><td>{@code fleet}</td></tr>
 *   <tr><td>{@code molt.rollouts.recovered}, {@code molt.lease.lost}</td><td>counters: rollouts
 *       taken over after a restart, runs stopped for a lost lease</td><td>{@code fleet}</td></tr>
 * </table>
 *
 * <p>{@link #instrument(Provider)} wraps a provider so that every SPI call is timed as {@code
 * molt.provider.calls} with tags {@code platform}, {@code operation} and {@code outcome}
 * ({@code ok}, {@code retryable}, {@code refused} or {@code error}), by the registry's clock,
 * and each observation sets the gauge {@code molt.instances} (tags {@code fleet}, {@code
 * revision}, {@code state}): the fleet's instances by revision and state as last observed. {@link
 * #instrument(RolloutStore)} wraps a store so that lease grants, takeovers, renewals and releases
 * are counted. Tags never carry instance ids, so the series stay few. Thread-safe.
 */
public final class MoltMetrics implements RolloutListener {
  private static final Pattern TRAFFIC = Pattern.compile("(\\S+)=(\\d+)%");
  private static final Pattern GATE = Pattern.compile("action=analyze gate=(\\S+)");
  private static final Pattern VERDICT = Pattern.compile("verdict=([A-Z_]+)");
  private static final Pattern COUNT = Pattern.compile("count=(\\d+)");
  private static final Pattern REVISION = Pattern.compile("revision=(\\S+)");

  private final MeterRegistry registry;
  private final Map<RolloutPhase, AtomicInteger> byPhase = new EnumMap<>(RolloutPhase.class);
  private final Map<String, RolloutPhase> phases = new ConcurrentHashMap<>();
  private final Map<String, Instant> stepStarted = new ConcurrentHashMap<>();
  private final Map<String, Analysis> analyses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> weights = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Map<InstanceState, AtomicInteger>>> instances =
      new ConcurrentHashMap<>();
  private final Map<String, List<Instance>> lastSeen = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Health>> lastHealth = new ConcurrentHashMap<>();

  private record Analysis(String gate, Instant startedAt) {}

  /** @param registry where the meters go */
  public MoltMetrics(MeterRegistry registry) {
    this.registry = Arguments.required(registry, "registry");
    for (RolloutPhase p : RolloutPhase.values()) {
      AtomicInteger n = new AtomicInteger();
      byPhase.put(p, n);
      Gauge.builder("molt.rollouts", n, AtomicInteger::get).tag("phase", p.name())
          .description("rollouts now in each phase (ended ones stay in their end phase)")
          .strongReference(true)
          .register(registry);
    }
  }

  @Override
  public void onEvent(Rollout r, RolloutEvent e) {
    track(r);
    String m = e.message();
    switch (e.type()) {
      case STARTED -> stepStarted.put(r.id(), e.at());
      case STEP -> step(r, e, m);
      case ANALYZED -> analyzed(r, e, m);
      case TRAFFIC_SHIFTED -> traffic(r, m);
      case LAUNCHED -> count("molt.instances.launched", m,
          Tags.of("fleet", r.fleet(), "revision", revision(m, r)));
      case TERMINATED -> count("molt.instances.terminated", m, Tags.of("fleet", r.fleet()));
      case INSTANCE_FAILED -> count("molt.instances.failed", m, Tags.of("fleet", r.fleet()));
      case PROVIDER_ERROR -> registry.counter("molt.provider.retries", "fleet", r.fleet())
          .increment();
      case RECOVERED -> registry.counter("molt.rollouts.recovered", "fleet", r.fleet())
          .increment();
      case LEASE_LOST -> registry.counter("molt.lease.lost", "fleet", r.fleet()).increment();
      case SUCCEEDED, ROLLED_BACK, FAILED -> ended(r, e);
      default -> { }
    }
  }

  private synchronized void track(Rollout r) {
    RolloutPhase before = phases.put(r.id(), r.phase());
    if (before != r.phase()) {
      if (before != null) {
        byPhase.get(before).decrementAndGet();
      }
      byPhase.get(r.phase()).incrementAndGet();
    }
  }

  private void step(Rollout r, RolloutEvent e, String m) {
    Matcher gate = GATE.matcher(m);
    if (gate.find()) {
      analyses.put(r.id(), new Analysis(gate.group(1), e.at()));
    } else if (m.contains(" done=")) {
      Instant since = stepStarted.put(r.id(), e.at());
      if (since != null) {
        Timer.builder("molt.step.duration").tag("strategy", r.strategy())
            .register(registry).record(Duration.between(since, e.at()));
      }
    }
  }

  private void analyzed(Rollout r, RolloutEvent e, String m) {
    Matcher v = VERDICT.matcher(m);
    String verdict = v.find() ? v.group(1) : "UNKNOWN";
    Analysis a = analyses.remove(r.id());
    String gate = a == null ? "unknown" : a.gate();
    registry.counter("molt.gate.verdicts", "gate", gate, "verdict", verdict).increment();
    if (a != null) {
      Timer.builder("molt.analysis.duration").tags("gate", gate, "verdict", verdict)
          .register(registry).record(Duration.between(a.startedAt(), e.at()));
    }
  }

  private void traffic(Rollout r, String m) {
    Matcher t = TRAFFIC.matcher(m);
    while (t.find()) {
      String revision = t.group(1);
      AtomicInteger w = weights.computeIfAbsent(r.fleet() + "/" + revision, k -> {
        AtomicInteger n = new AtomicInteger();
        Gauge.builder("molt.traffic.weight", n, AtomicInteger::get)
            .tags("fleet", r.fleet(), "revision", revision).baseUnit("percent")
            .strongReference(true)
            .register(registry);
        return n;
      });
      w.set(Integer.parseInt(t.group(2)));
    }
  }

  private void count(String name, String m, Tags tags) {
    Matcher c = COUNT.matcher(m);
    Counter.builder(name).tags(tags).register(registry)
        .increment(c.find() ? Integer.parseInt(c.group(1)) : 1);
  }

  private static String revision(String m, Rollout r) {
    Matcher v = REVISION.matcher(m);
    return v.find() ? v.group(1) : r.to().toString();
  }

  private void ended(Rollout r, RolloutEvent e) {
    Tags tags = Tags.of("strategy", r.strategy(), "outcome", r.phase().name());
    registry.counter("molt.rollouts.ended", tags).increment();
    Timer.builder("molt.rollout.duration").tags(tags).register(registry)
        .record(Duration.between(r.startedAt(), e.at()));
    stepStarted.remove(r.id());
    analyses.remove(r.id());
    phases.remove(r.id()); // it stays counted in its end phase; its id need not be kept
  }

  /**
   * Wraps a provider so that each of its calls is timed as {@code molt.provider.calls}.
   *
   * @param provider the provider to measure
   * @return a provider doing the same, measured
   */
  public Provider instrument(Provider provider) {
    Arguments.required(provider, "provider");
    String platform = provider.name();
    return new ForwardingProvider(provider) {
      @Override
      public List<Instance> launch(LaunchRequest request) {
        return timed(platform, "launch", () -> super.launch(request));
      }

      @Override
      public List<Instance> observe(String fleet) {
        List<Instance> seen = timed(platform, "observe", () -> super.observe(fleet));
        lastSeen.put(fleet, seen);
        countInstances(fleet);
        return seen;
      }

      @Override
      public Map<String, Health> health(String fleet, List<Instance> instances) {
        Map<String, Health> verdicts = timed(platform, "health",
            () -> super.health(fleet, instances));
        // a verdict is often asked for some instances only: keep the others' last verdicts
        lastHealth.compute(fleet, (f, before) -> {
          Map<String, Health> merged = before == null ? new java.util.HashMap<>()
              : new java.util.HashMap<>(before);
          verdicts.forEach((id, h) -> {
            if (id != null && h != null) {
              merged.put(id, h);
            }
          });
          List<String> alive = lastSeen.getOrDefault(f, List.of()).stream().map(Instance::id)
              .toList();
          merged.keySet().retainAll(alive.isEmpty() ? merged.keySet() : alive);
          return merged;
        });
        countInstances(fleet);
        return verdicts;
      }

      @Override
      public void drain(String fleet, List<Instance> instances) {
        timed(platform, "drain", () -> {
          super.drain(fleet, instances);
          return null;
        });
      }

      @Override
      public void terminate(String fleet, List<Instance> instances) {
        timed(platform, "terminate", () -> {
          super.terminate(fleet, instances);
          return null;
        });
      }
    };
  }

  /**
   * Sets the {@code molt.instances} gauges of a fleet to its last observation, a {@code RUNNING}
   * instance refined by its last health verdict as the engine does ({@code HEALTHY} or {@code
   * UNHEALTHY}): one series per revision and state the fleet has, zero for a state no instance is
   * in any more, and removed for a revision that has no instance left.
   */
  private synchronized void countInstances(String fleet) {
    List<Instance> seen = lastSeen.getOrDefault(fleet, List.of());
    Map<String, Health> verdicts = lastHealth.getOrDefault(fleet, Map.of());
    Map<String, Map<InstanceState, Long>> counts = seen.stream().collect(Collectors.groupingBy(
        i -> i.revision().toString(), Collectors.groupingBy(i -> refined(i, verdicts),
            () -> new EnumMap<>(InstanceState.class), Collectors.counting())));
    Map<String, Map<InstanceState, AtomicInteger>> known =
        instances.computeIfAbsent(fleet, f -> new ConcurrentHashMap<>());
    for (var gone : new ArrayList<>(known.keySet())) {
      if (!counts.containsKey(gone)) {
        known.remove(gone).keySet().forEach(state -> registry.find("molt.instances")
            .tags("fleet", fleet, "revision", gone, "state", state.name()).meters()
            .forEach(registry::remove));
      }
    }
    counts.forEach((revision, byState) -> {
      Map<InstanceState, AtomicInteger> gauges =
          known.computeIfAbsent(revision, r -> new EnumMap<>(InstanceState.class));
      gauges.values().forEach(n -> n.set(0));
      byState.forEach((state, n) -> gauges.computeIfAbsent(state, st -> {
        AtomicInteger value = new AtomicInteger();
        Gauge.builder("molt.instances", value, AtomicInteger::get)
            .tags("fleet", fleet, "revision", revision, "state", st.name())
            .description("instances of a revision in a state, as last observed")
            .strongReference(true).register(registry);
        return value;
      }).set(n.intValue()));
    });
  }

  private static InstanceState refined(Instance i, Map<String, Health> verdicts) {
    if (i.state() != InstanceState.RUNNING) {
      return i.state();
    }
    return switch (verdicts.getOrDefault(i.id(), Health.UNKNOWN)) {
      case HEALTHY -> InstanceState.HEALTHY;
      case UNHEALTHY -> InstanceState.UNHEALTHY;
      case UNKNOWN -> InstanceState.RUNNING;
    };
  }

  /**
   * Wraps a rollout store so that its leases are counted: {@code molt.lease.acquired} with tag
   * {@code outcome} ({@code granted}; {@code takeover} when the fleet's lease was another
   * holder's and had lapsed; {@code locked} when another holder still held it), {@code
   * molt.lease.renewals} with {@code outcome} ({@code ok} or {@code stale}) and {@code
   * molt.lease.released}, each also tagged {@code fleet}. To tell a takeover, it reads the
   * fleet's lease before each grant: one more store read per acquire.
   *
   * @param store the store to measure
   * @return a store doing the same, measured
   */
  public RolloutStore instrument(RolloutStore store) {
    Arguments.required(store, "store");
    return new RolloutStore() {
      @Override
      public void save(Lease writer, RolloutRecord record) {
        store.save(writer, record);
      }

      @Override
      public Optional<RolloutRecord> load(String rolloutId) {
        return store.load(rolloutId);
      }

      @Override
      public List<RolloutRecord> unfinished() {
        return store.unfinished();
      }

      @Override
      public Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
        Optional<Lease> before = store.lease(fleet);
        try {
          Lease granted = store.acquire(fleet, holder, now, ttl);
          boolean takeover = before.isPresent() && !before.get().holder().equals(holder);
          countLease("molt.lease.acquired", fleet, takeover ? "takeover" : "granted");
          return granted;
        } catch (FleetLockedException e) {
          countLease("molt.lease.acquired", fleet, "locked");
          throw e;
        }
      }

      @Override
      public Lease renew(Lease lease, Instant now, Duration ttl) {
        try {
          Lease renewed = store.renew(lease, now, ttl);
          countLease("molt.lease.renewals", lease.fleet(), "ok");
          return renewed;
        } catch (StaleLeaseException e) {
          countLease("molt.lease.renewals", lease.fleet(), "stale");
          throw e;
        }
      }

      @Override
      public void release(Lease lease) {
        store.release(lease);
        registry.counter("molt.lease.released", "fleet", lease.fleet()).increment();
      }

      @Override
      public Optional<Lease> lease(String fleet) {
        return store.lease(fleet);
      }

      @Override
      public void request(ControlRequest request) {
        store.request(request);
      }

      @Override
      public List<ControlRequest> requests(String rolloutId) {
        return store.requests(rolloutId);
      }

      @Override
      public Optional<LaunchSpec> launchSpec(Revision revision) {
        return store.launchSpec(revision);
      }

      @Override
      public boolean keepsCampaigns() {
        return store.keepsCampaigns();
      }

      @Override
      public void saveCampaign(Lease writer, dev.molt.store.SavedCampaign campaign) {
        store.saveCampaign(writer, campaign);
      }

      @Override
      public Optional<dev.molt.store.SavedCampaign> campaign(String campaignId) {
        return store.campaign(campaignId);
      }

      @Override
      public List<dev.molt.store.SavedCampaign> unfinishedCampaigns() {
        return store.unfinishedCampaigns();
      }

      @Override
      public dev.molt.time.Cancellable watchRequests(
          java.util.function.Consumer<String> onRequest) {
        return store.watchRequests(onRequest);
      }

      @Override
      public String toString() {
        return "measured " + store;
      }
    };
  }

  private void countLease(String name, String fleet, String outcome) {
    registry.counter(name, "fleet", fleet, "outcome", outcome).increment();
  }

  private <T> T timed(String platform, String operation, Supplier<T> call) {
    long start = registry.config().clock().monotonicTime();
    String outcome = "error";
    try {
      T result = call.get();
      outcome = "ok";
      return result;
    } catch (ProviderException e) {
      outcome = e.retryable() ? "retryable" : "refused";
      throw e;
    } finally {
      Timer.builder("molt.provider.calls").tags("platform", platform, "operation", operation,
          "outcome", outcome).register(registry).record(Duration.ofNanos(
          registry.config().clock().monotonicTime() - start));
    }
  }
}
