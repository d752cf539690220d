package dev.molt.engine;

import dev.molt.FleetBusyException;
import dev.molt.Fleet;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.gate.Gate;
import dev.molt.Arguments;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.spi.Provider;
import dev.molt.store.FleetLockedException;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollouts: observe the fleet, let the strategy decide, act through the provider, record,
 * wait — repeated until the rollout ends. Every decision is made from what the provider reports
 * now (level-triggered), so nothing depends on the engine's memory of earlier steps.
 *
 * <pre>{@code
 * VirtualTime time = VirtualTime.create();
 * InMemoryProvider platform = InMemoryProvider.builder(time).build();
 * RolloutEngine engine = RolloutEngine.builder(platform).time(time).build();
 * Rollout done = engine.run(RolloutSpec.builder("web").capacity(10).target(v2).build());
 * }</pre>
 *
 * <p>One engine runs at most one rollout or reconcile per fleet at a time, and engines sharing a
 * {@link RolloutStore} never drive one fleet at once: each holds a renewed lease on the fleets it
 * works on. The store also keeps every rollout, so that after a crash {@link #resumeAll()} on a
 * fresh engine finishes (or rolls back) what the dead one left. Thread-safe.
 */
public final class RolloutEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  private final EngineContext context;
  private final EngineRegistry registry;
  private final GatedScheduler gate;
  private final RolloutStore store;
  private final String identity;
  private final RolloutPersistence persistence;
  private final Optional<ExecutorService> ownExecutor;
  private final UnhealthyMemory unhealthy = new UnhealthyMemory();
  private final Map<String, FleetObserver> observers = new ConcurrentHashMap<>();
  private final LiveGates liveGates;

  private RolloutEngine(Builder b) {
    this.registry = new EngineRegistry(b.store, b.random);
    this.liveGates = new LiveGates(b.liveGates);
    this.gate = new GatedScheduler(b.scheduler);
    this.store = b.store;
    this.identity = b.identity;
    this.ownExecutor = b.ownExecutor;
    this.persistence = new RolloutPersistence(b.store, b.identity, b.leaseTtl, b.skewMargin,
        b.pollInterval, b.clock, gate, registry::remembered);
    ProviderCalls calls = new ProviderCalls(gate, b.retries, b.random, gate::isOpen);
    List<RolloutListener> listeners = new ArrayList<>();
    listeners.add(persistence); // first, so a record is saved before anyone reacts to the event
    for (RolloutListener l : b.listeners) {
      // a stopped engine is a dead process: it tells nobody about what its last task still did
      listeners.add((rollout, event) -> {
        if (gate.isOpen()) {
          l.onEvent(rollout, event);
        }
      });
    }
    this.context = new DefaultEngineContext(b.provider, calls, b.clock, gate, b.pollInterval,
        listeners, registry::knownSpec, registry::release, this::start, persistence::mayAct,
        persistence::controlsDue);
  }

  /**
   * Starts a builder.
   *
   * @param provider the platform to drive
   * @return a builder using the system clock, a scheduler of its own on two daemon threads named
   *     {@code molt-engine} (stopped with the engine), a 2 s poll interval and {@link
   *     RetrySettings#defaults()}
   */
  public static Builder builder(Provider provider) {
    return new Builder(provider);
  }

  /**
   * Starts a rollout and returns at once. The spec was validated when it was built; the engine
   * additionally refuses a second rollout of a fleet it is already rolling.
   *
   * @param spec what to achieve
   * @return a handle to watch and steer it
   * @throws InvalidSpecException if {@code spec} is null
   * @throws FleetBusyException if this engine already runs a rollout or reconcile of the fleet
   * @throws MoltException if this engine was stopped
   * @throws FleetLockedException if another engine sharing the store holds the fleet's lease
   */
  public RolloutHandle start(RolloutSpec spec) {
    Arguments.required(spec, "spec");
    requireRunning();
    remember(spec.target());
    RolloutRun run = new RolloutRun(context, registry.newId("ro-"), spec);
    return launch(run, 0);
  }

  /**
   * Resumes every unfinished rollout in the store whose fleet no live engine holds: each continues
   * from what the platform shows now, finishing or rolling back as its saved phase says (a paused
   * rollout stays paused). Call it once after a restart, or from a standby engine once the lease
   * of a crashed one lapsed. A rollout whose fleet another engine still holds is skipped and logged.
   *
   * @return handles of the resumed rollouts; empty if there were none
   * @throws MoltException if this engine was stopped
   */
  public List<RolloutHandle> resumeAll() {
    requireRunning();
    List<RolloutHandle> resumed = new ArrayList<>();
    for (RolloutRecord record : store.unfinished()) {
      if (registry.isActive(record.fleet())) {
        continue;
      }
      try {
        resumed.add(resume(record));
      } catch (FleetLockedException e) {
        LOG.info("rollout={} fleet={} action=skip-resume holder={} leaseUntil={}", record.id(),
            record.fleet(), e.holder(), e.expiresAt());
      }
    }
    return resumed;
  }

  /**
   * Resumes one unfinished rollout from the store.
   *
   * @param rolloutId its id
   * @return its handle
   * @throws MoltException if the store has no such rollout, or it already ended
   * @throws FleetBusyException if this engine already runs a rollout or reconcile of the fleet
   * @throws FleetLockedException if another engine holds the fleet's lease
   */
  public RolloutHandle resume(String rolloutId) {
    requireRunning();
    RolloutRecord record = store.load(Arguments.notBlank(rolloutId, "rolloutId"))
        .orElseThrow(() -> new MoltException("the store has no rollout " + rolloutId));
    if (record.isFinished()) {
      throw new MoltException("rollout " + rolloutId + " already ended "
          + record.rollout().phase() + "; start a new rollout instead");
    }
    return resume(record);
  }

  private RolloutHandle resume(RolloutRecord record) {
    // check first: restoring a run announces RECOVERED to the listeners, and a rollout that this
    // engine runs already, or that another engine still holds, must be skipped without a word
    // (FleetBusyException / FleetLockedException, nothing heard, nothing saved). Only a check:
    // acquiring here would grant a fencing token that claim() below supersedes at once, and on a
    // fleet this engine runs it would fence off its own run
    Optional<RolloutRun> busy = registry.active(record.fleet());
    if (busy.isPresent()) {
      throw new FleetBusyException(record.fleet(), busy.get().id(), "phase "
          + busy.get().current().phase());
    }
    persistence.requireFree(record.fleet());
    remember(record.spec().target());
    record.previous().ifPresent(this::remember);
    RolloutRecord next = liveGates.reattach(record.resumedOnceMore());
    if (next.reconcile().isPresent()) {
      // a reconcile resumes as a reconcile: its findings, its planner, its report in the logs
      ReconcileRun reconcile = new ReconcileRun(context, next, unhealthy);
      RolloutRun run = reconcile.engineRun().orElseThrow();
      registry.claim(run.spec().fleet(), run, next.resumes(), persistence);
      reconcile.start();
      return run;
    }
    return launch(new RolloutRun(context, next), next.resumes());
  }

  private RolloutHandle launch(RolloutRun run, int resumes) {
    registry.claim(run.spec().fleet(), run, resumes, persistence);
    run.start();
    return run;
  }

  RolloutPersistence persistence() {
    return persistence;
  }

  RolloutStore store() {
    return store;
  }

  EngineContext context() {
    return context;
  }

  /** @return this engine's identity: the holder named on the leases it takes */
  public String identity() {
    return identity;
  }

  /**
   * Stops at once, as if the process died: nothing scheduled runs any more, no provider or store
   * call is made, leases are left to lapse, and the handles of running rollouts complete
   * exceptionally. The fleet is left as it is; the store keeps every unfinished rollout for {@link
   * #resumeAll()} on another engine. Idempotent.
   */
  public void shutdownNow() {
    gate.close();
    persistence.stopWatching();
    for (RolloutRun run : registry.clear()) {
      run.halt(new MoltException("engine " + identity + " stopped while rollout " + run.id()
          + " was running; resume it from the store with another engine"));
    }
    ownExecutor.ifPresent(ExecutorService::shutdownNow);
  }

  /**
   * Stops like {@link #shutdownNow()}, then releases this engine's leases so that another engine
   * can resume its unfinished rollouts at once. Idempotent.
   */
  @Override
  public void close() {
    shutdownNow();
    persistence.releaseAll();
  }

  private void requireRunning() {
    if (!gate.isOpen()) {
      throw new MoltException("engine " + identity + " was stopped; build a new engine");
    }
  }

  /**
   * Starts a reconcile and returns at once: observes the fleet and replaces, within the rolling
   * limits, every drifted, tainted or persistently unhealthy instance, terminates orphans and
   * brings capacity back to the desired count; a dry run only reports. A reconcile that acts holds
   * the fleet like a rollout does. See {@link ReconcileSpec} and {@code docs/reconcile.md}.
   *
   * @param spec what to hold the fleet to
   * @return a handle whose completion carries the report
   * @throws InvalidSpecException if {@code spec} is null
   * @throws FleetBusyException if a rollout or reconcile of the fleet is running (dry runs are
   *     never refused)
   */
  public ReconcileHandle reconcile(ReconcileSpec spec) {
    Arguments.required(spec, "spec");
    requireRunning();
    remember(spec.declared());
    ReconcileRun reconcile = new ReconcileRun(context, registry.newId("rc-"), spec,
        unhealthy);
    reconcile.engineRun().ifPresent(run -> registry.claim(spec.fleet(), run, 0, persistence));
    reconcile.start();
    return reconcile;
  }

  /**
   * Marks an owned instance of {@code fleet} tainted, so that the next reconcile replaces it. The
   * same happens when someone sets the {@link dev.molt.OwnerLabels#TAINTED} label on the platform
   * by hand. Waits in the scheduler's time.
   *
   * @param fleet the fleet name
   * @param instanceId the instance id
   * @param reason why, one line of at most 200 characters
   * @throws InvalidSpecException naming a blank or invalid argument, before any provider call
   * @throws MoltException if the fleet has no such owned instance
   * @throws dev.molt.ProviderException if the platform cannot taint or the call failed
   * @throws MoltException if this engine was stopped
   */
  public void taint(String fleet, String instanceId, String reason) {
    requireRunning();
    try {
      context.scheduler().await(Tainter.taint(context, fleet, instanceId, reason));
    } catch (CompletionException e) {
      throw e.getCause() instanceof MoltException m ? m : e;
    }
  }

  /**
   * Runs a rollout to its end, waiting in the scheduler's time (with {@link VirtualTime}, driving
   * it on this thread).
   *
   * @param spec what to achieve
   * @return the final snapshot, in a terminal phase
   * @throws dev.molt.rollout.IllegalControlException in virtual time, once the rollout waits for a person
   *     (a manual promotion, a pause): use {@link #start} and the control on its handle instead
   */
  public Rollout run(RolloutSpec spec) {
    return start(spec).await();
  }

  /**
   * Tells the engine how to relaunch a revision it has not rolled out itself, so that a rollback
   * to it can launch new instances. Rolled-out specs are remembered automatically, and specs of
   * rollouts saved in the store are found there. A rollback to a revision whose spec is unknown
   * removes the new revision only and leaves the old instances as they are.
   *
   * @param spec a launch spec
   * @throws MoltException if this engine was stopped
   */
  public void remember(LaunchSpec spec) {
    Arguments.required(spec, "spec");
    requireRunning();
    registry.remember(spec);
  }

  /**
   * Works out what {@code spec} would do, touching nothing: reads the fleet from the provider,
   * then runs the real planners on an in-memory copy of it in virtual time with the provider's
   * {@linkplain Provider#expectedLatencies() expected latencies}. Gates are assumed to pass and
   * manual promotions to be given at once.
   *
   * @param spec what to plan
   * @return the steps, traffic, peak instance count, expected duration and rollback costs
   * @throws InvalidSpecException if {@code spec} is null
   * @throws dev.molt.ProviderException if reading the fleet fails
   * @throws MoltException if this engine was stopped
   */
  public RolloutPlan plan(RolloutSpec spec) {
    return plan(spec, context.clock().instant());
  }

  /**
   * Works out what {@code spec} would do if it started at {@code start}, as {@link
   * #plan(RolloutSpec)} does for now: the fleet is read as it is now, and the spec's deployment
   * windows are judged from {@code start} on, so a rollout planned for tonight shows tonight's
   * waits. {@link dev.molt.campaign.Campaigns#plan} plans each fleet at the moment the campaign would start it.
   *
   * @param spec what to plan
   * @param start when the rollout would start
   * @return the steps, traffic, peak instance count, expected duration (from {@code start}),
   *     rollback costs and waits for windows
   * @throws InvalidSpecException if {@code spec} or {@code start} is null
   * @throws dev.molt.ProviderException if reading the fleet fails
   * @throws MoltException if this engine was stopped
   */
  public RolloutPlan plan(RolloutSpec spec, Instant start) {
    Arguments.required(spec, "spec");
    Arguments.required(start, "start");
    requireRunning();
    List<LaunchSpec> specs = new ArrayList<>(registry.knownSpecs());
    specs.add(spec.target());
    return Plans.plan(context.provider(), spec, start, context.pollInterval(), specs);
  }

  /**
   * Observes a fleet the way a rollout does, touching nothing: lists it, keeps what Molt owns,
   * asks for health (with the engine's retries) and dates each healthy streak. The engine keeps
   * what it saw from one call to the next for each fleet, as a rollout's observer does, so a
   * streak reported stale by a platform starts when this engine first saw it healthy again. In
   * virtual time the call drives the scheduler until the observation completes.
   *
   * @param fleet the fleet name
   * @return the fleet now; {@link Fleet#desiredCapacity()} is that of its active run, else its
   *     instance count
   * @throws InvalidSpecException if {@code fleet} is blank
   * @throws dev.molt.ProviderException if the platform cannot be read within the retries
   * @throws MoltException if this engine was stopped
   */
  public Fleet observe(String fleet) {
    try {
      return context.scheduler().await(observeAsync(fleet));
    } catch (CompletionException e) {
      throw e.getCause() instanceof MoltException m ? m : e;
    }
  }

  /**
   * Observes a fleet as {@link #observe} does, without waiting: for callers that run on the
   * engine's scheduler themselves (a campaign's bake gates), which must not block it.
   *
   * @param fleet the fleet name
   * @return completes with the fleet now, or exceptionally with the {@link
   *     dev.molt.ProviderException} of a platform that could not be read
   * @throws InvalidSpecException if {@code fleet} is blank
   * @throws MoltException if this engine was stopped
   */
  public CompletableFuture<Fleet> observeAsync(String fleet) {
    Arguments.notBlank(fleet, "fleet");
    requireRunning();
    FleetObserver observer = observers.computeIfAbsent(fleet,
        f -> new FleetObserver(context.provider(), context.calls(), context.clock()));
    int desired = registry.active(fleet).map(RolloutRun::desired).orElse(-1);
    return observer.observe(fleet, Math.max(desired, 0)).thenApply(seen -> desired >= 0 ? seen
        : new Fleet(seen.name(), seen.instances().size(), seen.instances(), seen.traffic()));
  }

  /**
   * Finds a rollout by id: as it is now if this engine runs it, else as its store saved it last.
   *
   * @param rolloutId the rollout's id
   * @return the rollout; empty if neither this engine nor its store knows it
   * @throws dev.molt.store.StoreException if the store cannot be read
   */
  public Optional<Rollout> find(String rolloutId) {
    Arguments.notBlank(rolloutId, "rolloutId");
    Optional<Rollout> live = registry.find(rolloutId).map(RolloutRun::current);
    return live.isPresent() ? live : store.load(rolloutId).map(RolloutRecord::rollout);
  }

  /** @return the running rollout of {@code fleet} (or the run of an acting reconcile), if any */
  public Optional<RolloutHandle> active(String fleet) {
    return registry.active(fleet).map(RolloutHandle.class::cast);
  }

  /** Builds a {@link RolloutEngine}. Not thread-safe. */
  public static final class Builder {
    private final Provider provider;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private Duration pollInterval = Duration.ofSeconds(2);
    private RetrySettings retries = RetrySettings.defaults();
    private Random random;
    private RolloutStore store;
    private String identity;
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Duration skewMargin;
    private Optional<ExecutorService> ownExecutor = Optional.empty();
    private final List<RolloutListener> listeners = new ArrayList<>();
    private final List<Gate> liveGates = new ArrayList<>();

    private Builder(Provider provider) {
      this.provider = Arguments.required(provider, "provider");
    }

    /** Uses {@code time} as both clock and scheduler. @return this builder */
    public Builder time(VirtualTime time) {
      this.clock = time.clock();
      this.scheduler = time;
      return this;
    }

    /** Sets the clock. @return this builder */
    public Builder clock(Clock c) {
      this.clock = Arguments.required(c, "clock");
      return this;
    }

    /** Sets the scheduler. @return this builder */
    public Builder scheduler(Scheduler s) {
      this.scheduler = Arguments.required(s, "scheduler");
      return this;
    }

    /**
     * Sets the longest wait between observations (default 2 s); also how often the engine asks
     * its store for control requests other processes made ({@code RolloutStore.request}).
     *
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Arguments.positive(interval, "pollInterval");
      return this;
    }

    /** Sets how provider calls are retried. @return this builder */
    public Builder retries(RetrySettings settings) {
      this.retries = Arguments.required(settings, "retries");
      return this;
    }

    /** Seeds rollout ids and retry jitter, for reproducible runs. @return this builder */
    public Builder seed(long seed) {
      this.random = new Random(seed);
      return this;
    }

    /** Adds a listener told about every event. @return this builder */
    public Builder listener(RolloutListener listener) {
      listeners.add(Arguments.required(listener, "listener"));
      return this;
    }

    /**
     * Gives the engine a gate to measure in the rollouts it resumes from the store. A store keeps
     * a gate by its {@linkplain Gate#name() name} only (a gate is code: a metric source, a probe),
     * and a resumed analysis that was still measuring when the old engine died fails safe unless
     * its gate is given again: a resumed rollout's analyses whose gate has this gate's name
     * measure this gate. Analyses that had concluded are not measured again either way.
     *
     * @param live the gate, named as in the rollouts it serves
     * @return this builder
     * @throws InvalidSpecException at {@link #build()}, if two live gates share a name
     */
    public Builder liveGate(Gate live) {
      liveGates.add(Arguments.required(live, "liveGate"));
      return this;
    }

    /**
     * Sets where rollouts and fleet leases are kept. Engines sharing a store resume each other's
     * rollouts and never drive one fleet at once. Default: a private {@link InMemoryRolloutStore}.
     *
     * @return this builder
     */
    public Builder store(RolloutStore rolloutStore) {
      this.store = Arguments.required(rolloutStore, "store");
      return this;
    }

    /**
     * Names this engine on the leases it holds (default {@code engine-<pid>-<random hex>}). A
     * restarted process that keeps its identity takes its own leases back at once.
     *
     * @return this builder
     */
    public Builder identity(String name) {
      this.identity = Arguments.notBlank(name, "identity");
      return this;
    }

    /**
     * Sets how long a fleet lease holds without renewal (default 30 s); the engine renews it every
     * third of that while a rollout runs. After a crash, another engine can take the fleet over
     * once this much time passed.
     *
     * @return this builder
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = Arguments.positive(ttl, "leaseTtl");
      return this;
    }

    /**
     * Sets how long before its lease's expiry, by this engine's clock, a run stops acting on its
     * fleet (default a tenth of the lease TTL: 3 s for the default 30 s). It covers how far the
     * clocks of engines sharing a store may disagree: another engine takes the fleet over once the
     * lease lapsed by <em>its</em> clock, and by then this engine has stopped. A run whose lease
     * is this close to expiry (a renewal that failed, a process paused past it) makes no further
     * platform call, records a {@link dev.molt.rollout.RolloutEvent.Type#LEASE_LOST} event and
     * completes exceptionally; its record stays in the store for {@link
     * RolloutEngine#resumeAll()}.
     *
     * @param margin the margin, zero or more and less than a third of the lease TTL
     * @return this builder
     * @throws InvalidSpecException at {@link #build()}, if it is not less than a third of the TTL
     */
    public Builder leaseSkewMargin(Duration margin) {
      Arguments.required(margin, "leaseSkewMargin");
      if (margin.isNegative()) {
        throw new InvalidSpecException("leaseSkewMargin", "is " + margin + "; it cannot be"
            + " negative");
      }
      this.skewMargin = margin;
      return this;
    }

    /** @return the engine */
    public RolloutEngine build() {
      if (scheduler == null) {
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
          Thread t = new Thread(r, "molt-engine");
          t.setDaemon(true);
          return t;
        });
        ownExecutor = Optional.of(executor);
        scheduler = Scheduler.of(executor);
      }
      if (random == null) {
        random = new Random(new SecureRandom().nextLong());
      }
      if (skewMargin == null) {
        skewMargin = leaseTtl.dividedBy(10);
      } else if (skewMargin.compareTo(leaseTtl.dividedBy(3)) >= 0) {
        // renewals come every third of the TTL: a wider margin would stop runs between them
        throw new InvalidSpecException("leaseSkewMargin", "is " + skewMargin + " but must be less"
            + " than a third of the lease TTL " + leaseTtl + " (renewals come that often); raise"
            + " leaseTtl or lower the margin");
      }
      if (store == null) {
        store = new InMemoryRolloutStore();
      }
      if (identity == null) {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        identity = "engine-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(bytes);
      }
      return new RolloutEngine(this);
    }
  }
}
