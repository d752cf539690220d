package dev.molt.engine;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.Revision;
import dev.molt.Rollout;
import dev.molt.RolloutSpec;
import dev.molt.internal.Checks;
import dev.molt.internal.Decision;
import dev.molt.internal.EngineContext;
import dev.molt.internal.ProviderCalls;
import dev.molt.internal.RolloutRun;
import dev.molt.internal.RolloutState;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>One engine runs at most one rollout per fleet at a time. Thread-safe.
 */
public final class RolloutEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  private final Context context;
  private final Random random;
  private final Map<String, RolloutRun> active = new ConcurrentHashMap<>();
  private final Map<Revision, LaunchSpec> known = new ConcurrentHashMap<>();

  private RolloutEngine(Builder b) {
    this.random = b.random;
    ProviderCalls calls = new ProviderCalls(b.scheduler, b.retries, b.random);
    this.context = new Context(b.provider, calls, b.clock, b.scheduler, b.pollInterval,
        List.copyOf(b.listeners));
  }

  /**
   * Starts a builder.
   *
   * @param provider the platform to drive
   * @return a builder using the system clock, a single-thread scheduler, a 2 s poll interval and
   *     {@link RetrySettings#defaults()}
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
   * @throws MoltException if this engine already runs a rollout of the fleet
   */
  public RolloutHandle start(RolloutSpec spec) {
    Checks.required(spec, "spec");
    remember(spec.target());
    String id = newId();
    RolloutRun run = new RolloutRun(context, id, spec);
    RolloutRun existing = active.putIfAbsent(spec.fleet(), run);
    if (existing != null) {
      throw new MoltException("fleet " + spec.fleet() + " already has rollout " + existing.id()
          + " in phase " + existing.current().phase() + "; wait for it, or abort it first");
    }
    run.start();
    return run;
  }

  /**
   * Runs a rollout to its end, waiting in the scheduler's time (with {@link VirtualTime}, driving
   * it on this thread).
   *
   * @param spec what to achieve
   * @return the final snapshot, in a terminal phase
   */
  public Rollout run(RolloutSpec spec) {
    return start(spec).await();
  }

  /**
   * Tells the engine how to relaunch a revision it has not rolled out itself, so that a rollback
   * to it can launch new instances. Rolled-out specs are remembered automatically.
   *
   * @param spec a launch spec
   */
  public void remember(LaunchSpec spec) {
    Checks.required(spec, "spec");
    known.put(spec.revision(), spec);
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
   */
  public RolloutPlan plan(RolloutSpec spec) {
    Checks.required(spec, "spec");
    List<LaunchSpec> specs = new ArrayList<>(known.values());
    specs.add(spec.target());
    return Plans.plan(context.provider, spec, context.clock.instant(), context.pollInterval,
        specs);
  }

  /** @return the running rollout of {@code fleet}, if any */
  public Optional<RolloutHandle> active(String fleet) {
    return Optional.ofNullable(active.get(fleet));
  }

  private String newId() {
    byte[] bytes = new byte[4];
    synchronized (random) {
      random.nextBytes(bytes);
    }
    return "ro-" + HexFormat.of().formatHex(bytes);
  }

  private final class Context implements EngineContext {
    private final Provider provider;
    private final ProviderCalls calls;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Duration pollInterval;
    private final List<RolloutListener> listeners;

    Context(Provider provider, ProviderCalls calls, Clock clock, Scheduler scheduler,
        Duration pollInterval, List<RolloutListener> listeners) {
      this.provider = provider;
      this.calls = calls;
      this.clock = clock;
      this.scheduler = scheduler;
      this.pollInterval = pollInterval;
      this.listeners = listeners;
    }

    @Override public Provider provider() {
      return provider;
    }

    @Override public ProviderCalls calls() {
      return calls;
    }

    @Override public Clock clock() {
      return clock;
    }

    @Override public Scheduler scheduler() {
      return scheduler;
    }

    @Override public Duration pollInterval() {
      return pollInterval;
    }

    @Override public List<RolloutListener> listeners() {
      return listeners;
    }

    @Override public Optional<LaunchSpec> knownSpec(Revision revision) {
      return Optional.ofNullable(known.get(revision));
    }

    @Override public void logDecision(RolloutState state, Decision decision) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("rollout={} decision status={} step={}/{} actions={} wakeAt={}", state.id(),
            decision.status(), decision.step(), decision.totalSteps(), decision.actions().size(),
            decision.wakeAt().orElse(null));
      }
    }

    @Override public void finished(RolloutRun run) {
      active.values().remove(run);
    }

    @Override public RolloutHandle start(RolloutSpec spec) {
      return RolloutEngine.this.start(spec);
    }
  }

  /** Builds a {@link RolloutEngine}. Not thread-safe. */
  public static final class Builder {
    private final Provider provider;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private Duration pollInterval = Duration.ofSeconds(2);
    private RetrySettings retries = RetrySettings.defaults();
    private Random random;
    private final List<RolloutListener> listeners = new ArrayList<>();

    private Builder(Provider provider) {
      this.provider = Checks.required(provider, "provider");
    }

    /** Uses {@code time} as both clock and scheduler. @return this builder */
    public Builder time(VirtualTime time) {
      this.clock = time.clock();
      this.scheduler = time;
      return this;
    }

    /** Sets the clock. @return this builder */
    public Builder clock(Clock c) {
      this.clock = Checks.required(c, "clock");
      return this;
    }

    /** Sets the scheduler. @return this builder */
    public Builder scheduler(Scheduler s) {
      this.scheduler = Checks.required(s, "scheduler");
      return this;
    }

    /** Sets the longest wait between observations (default 2 s). @return this builder */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Checks.positive(interval, "pollInterval");
      return this;
    }

    /** Sets how provider calls are retried. @return this builder */
    public Builder retries(RetrySettings settings) {
      this.retries = Checks.required(settings, "retries");
      return this;
    }

    /** Seeds rollout ids and retry jitter, for reproducible runs. @return this builder */
    public Builder seed(long seed) {
      this.random = new Random(seed);
      return this;
    }

    /** Adds a listener told about every event. @return this builder */
    public Builder listener(RolloutListener listener) {
      listeners.add(Checks.required(listener, "listener"));
      return this;
    }

    /** @return the engine */
    public RolloutEngine build() {
      if (scheduler == null) {
        scheduler = Scheduler.of(java.util.concurrent.Executors.newScheduledThreadPool(2,
            r -> {
              Thread t = new Thread(r, "molt-engine");
              t.setDaemon(true);
              return t;
            }));
      }
      if (random == null) {
        random = new Random(new SecureRandom().nextLong());
      }
      return new RolloutEngine(this);
    }
  }
}
