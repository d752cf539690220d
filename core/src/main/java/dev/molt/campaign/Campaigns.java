package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.RolloutStore;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs patch-wave campaigns over one or more engines (one per platform: in-memory, Docker,
 * Kubernetes, AWS fleets in one campaign). Each fleet is rebuilt through the {@link ImageRebuild}
 * and rolled by its own engine's rollout, which keeps its own record and events.
 *
 * <pre>{@code
 * Campaigns campaigns = Campaigns.builder(pipeline).engine(engine).time(time).build();
 * CampaignSpec spec = CampaignSpec.builder("base-v2", new BaseChange(v1, v2))
 *     .fleet(CampaignFleet.of(webRollout, Map.of("tier", "dev")))
 *     .wave(Wave.matching("dev", Map.of("tier", "dev")).withMaxConcurrentFleets(2))
 *     .maxExposure(25).maxFailures(Amount.of(1)).build();
 * System.out.print(campaigns.plan(spec).toText());
 * Campaign done = campaigns.start(spec).await();
 * }</pre>
 *
 * <p>Given a store ({@link Builder#store}), a campaign keeps its state there, saved before anything
 * reacts to each step, under a lease named {@code campaign-<name>} that one process holds at a
 * time; after a crash, another process (or the same one restarted) resumes it with {@link
 * #resume}, once its engines resumed their rollouts ({@link RolloutEngine#resumeAll()}). The spec
 * is given again on resume: it holds code (the rebuild pipeline, gates) that a store cannot keep.
 * Without a store, a campaign lives in memory only (each fleet's rollout still survives a crash in
 * its engine's store). Thread-safe.
 */
public final class Campaigns implements AutoCloseable {
  private final Map<String, RolloutEngine> engines;
  private final ImageRebuild rebuild;
  private final Clock clock;
  private final Scheduler scheduler;
  private final List<CampaignListener> listeners;
  private final Random random;
  private final Optional<RolloutStore> store;
  private final String identity;
  private final String holder;
  private final Duration leaseTtl;
  private final Duration pollInterval;
  private final Set<CampaignMachine> driven = ConcurrentHashMap.newKeySet();

  private Campaigns(Builder b) {
    this.engines = Map.copyOf(b.engines);
    this.rebuild = b.rebuild;
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.listeners = List.copyOf(b.listeners);
    this.random = b.random;
    this.store = b.store;
    // not from the seeded random: a seed must give the same campaign ids with or without a store;
    // a nonce per object, so a second object of the same identity cannot take a lease this holds
    this.identity = b.identity.orElse("campaigns");
    this.holder = identity + String.format("-%08x",
        ThreadLocalRandom.current().nextInt());
    this.leaseTtl = b.leaseTtl;
    this.pollInterval = b.pollInterval;
  }

  /**
   * Starts a builder.
   *
   * @param rebuild the user's pipeline that rebuilds a fleet's image on the new base
   * @return a builder; at least one engine, and a scheduler (or {@link Builder#time}), are required
   */
  public static Builder builder(ImageRebuild rebuild) {
    return new Builder(rebuild);
  }

  /**
   * Starts a campaign and returns at once.
   *
   * @param spec what to achieve
   * @return a handle to watch and steer it
   * @throws InvalidSpecException if {@code spec} is null or names an engine this object lacks; with
   *     a store, if the store keeps no campaigns, the name is not one a lease can have, or an
   *     unfinished campaign of that name is in the store (resume it instead)
   * @throws dev.molt.store.FleetLockedException if another process holds the campaign's lease
   */
  public CampaignHandle start(CampaignSpec spec) {
    checkEngines(Arguments.required(spec, "spec"));
    store.ifPresent(s -> CampaignStore.requireKeepable(spec, s));
    // the lease first, then the check: two processes starting the same name cannot both pass
    Lost lost = new Lost();
    Optional<CampaignStore> kept = store.map(s -> take(s, spec, lost));
    kept.ifPresent(k -> CampaignStore.unfinished(store.get(), spec.name()).ifPresent(c -> {
      k.stop(true);
      throw new InvalidSpecException("name", "campaign " + c.id() + " named " + spec.name()
          + " is unfinished in the store (" + c.phase() + " at wave " + c.wave() + "): resume"
          + " it with Campaigns.resume(spec), or abort it, before starting another");
    }));
    String id = newId(kept);
    CampaignMachine machine = new CampaignMachine(id, spec, effects(), clock, scheduler,
        listeners);
    drive(machine, kept, lost);
    machine.start();
    return machine;
  }

  /**
   * A fresh id; with a store, one it holds nothing under (drawn under the campaign's lease), so
   * that a new campaign never takes over an ended one's record nor the control requests sent to
   * it, even with a seed that draws the same ids again.
   */
  private String newId(Optional<CampaignStore> kept) {
    for (int attempt = 0; ; attempt++) {
      String id;
      synchronized (random) {
        id = String.format("ca-%08x", random.nextInt());
      }
      if (store.isEmpty() || store.get().campaign(id).isEmpty()) {
        return id;
      }
      if (attempt == 99) {
        kept.ifPresent(k -> k.stop(true));
        throw new MoltException("no free campaign id after 100 draws in the store: is its"
            + " random generator seeded to repeat one id?");
      }
    }
  }

  /**
   * Resumes the unfinished campaign called {@code spec.name()} from the store, after the process
   * that drove it stopped: it goes on from its last saved snapshot, finds its fleets' rollouts
   * again in their engines (resuming those the engines have not), and decides from there. Call
   * each engine's {@link RolloutEngine#resumeAll()} first.
   *
   * @param spec the spec the campaign was started with
   * @return a handle to watch and steer it
   * @throws InvalidSpecException if no store was given, the store has no unfinished campaign of
   *     that name, or the spec's fleets and waves are not the saved campaign's
   * @throws dev.molt.store.FleetLockedException if another process still holds the campaign's
   *     lease (it runs, or its lease has not lapsed yet)
   */
  public CampaignHandle resume(CampaignSpec spec) {
    checkEngines(Arguments.required(spec, "spec"));
    RolloutStore s = store.orElseThrow(() -> new InvalidSpecException("store", "is required to"
        + " resume a campaign: give Campaigns.Builder.store the store it was kept in"));
    CampaignStore.requireKeepable(spec, s);
    // the lease first, then the read: a slow process cannot save after the snapshot was read
    Lost lost = new Lost();
    CampaignStore kept = take(s, spec, lost);
    CampaignMachine machine;
    try {
      Campaign saved = CampaignStore.unfinished(s, spec.name()).orElseThrow(() ->
          new InvalidSpecException("name", "the store has no unfinished campaign named "
              + spec.name() + "; start it with Campaigns.start(spec)"));
      machine = new CampaignMachine(saved, spec, effects(), clock, scheduler, listeners);
    } catch (RuntimeException e) {
      kept.stop(true);
      throw e;
    }
    drive(machine, Optional.of(kept), lost);
    machine.recover(identity);
    return machine;
  }

  /**
   * Reads a campaign as a store saved it last, from any process: for a status page or a command
   * line, without driving it.
   *
   * @param store the store it is kept in
   * @param campaignId its id
   * @return its latest snapshot; empty if the store has none of that id
   * @throws dev.molt.store.StoreException if the store cannot be read, or what it holds cannot
   */
  public static Optional<Campaign> saved(RolloutStore store, String campaignId) {
    Arguments.required(store, "store");
    return store.campaign(Arguments.notBlank(campaignId, "campaignId")).map(CampaignStore::read);
  }

  /**
   * Lists the campaigns a store holds that did not end, from any process: for a status page or a
   * command line, without driving them.
   *
   * @param store the store they are kept in
   * @return their latest snapshots, oldest start first
   * @throws dev.molt.store.StoreException if the store cannot be read, or what it holds cannot
   */
  public static List<Campaign> unfinished(RolloutStore store) {
    return Arguments.required(store, "store").unfinishedCampaigns().stream()
        .map(CampaignStore::read).sorted(Comparator.comparing(Campaign::startedAt)
            .thenComparing(Campaign::id)).toList();
  }

  private EngineEffects effects() {
    return new EngineEffects(engines, rebuild, scheduler, clock);
  }

  /** Tells the machine, once there is one, that its lease was lost. */
  private static final class Lost implements java.util.function.Consumer<String> {
    private final java.util.concurrent.atomic.AtomicReference<CampaignMachine> machine =
        new java.util.concurrent.atomic.AtomicReference<>();
    private volatile String early;

    @Override
    public void accept(String why) {
      CampaignMachine m = machine.get();
      if (m != null) {
        m.lost(why);
      } else {
        early = why;
      }
    }

    void tell(CampaignMachine m) {
      machine.set(m);
      if (early != null) {
        m.lost(early);
      }
    }
  }

  private CampaignStore take(RolloutStore s, CampaignSpec spec, Lost lost) {
    return CampaignStore.take(s, spec.name(), holder, clock, scheduler, leaseTtl, lost);
  }

  private void drive(CampaignMachine machine, Optional<CampaignStore> kept, Lost lost) {
    kept.ifPresent(machine::keepIn);
    kept.ifPresent(k -> k.pollControls(machine.id(), pollInterval,
        requests -> machine.requested(requests, holder)));
    lost.tell(machine);
    driven.add(machine);
    machine.completion().whenComplete((end, error) -> driven.remove(machine));
  }

  /**
   * Stops driving every campaign of this object, as if the process died: nothing more is decided
   * or saved, and their leases are left to lapse. Rollouts already running go on in their engines.
   * For tests of a crash, and for a process that is going down hard.
   */
  public void shutdownNow() {
    driven.forEach(m -> m.stop(false));
    driven.clear();
  }

  /**
   * Stops driving every campaign of this object and gives their leases back, so that another
   * process may {@link #resume} them at once. Their state stays in the store; rollouts already
   * running go on in their engines.
   */
  @Override
  public void close() {
    driven.forEach(m -> m.stop(true));
    driven.clear();
  }

  /**
   * Runs a campaign to its end, in the scheduler's time.
   *
   * @param spec what to achieve
   * @return the final snapshot
   * @throws dev.molt.rollout.IllegalControlException in virtual time, once a wave waits for an
   *     approval: use {@link #start} and {@link CampaignHandle#approve()} instead
   */
  public Campaign run(CampaignSpec spec) {
    return start(spec).await();
  }

  /**
   * Works out what {@code spec} would do, touching nothing: the campaign's own planner and machine
   * run in virtual time from now; each fleet's rollout is planned by its engine ({@link
   * RolloutEngine#plan(RolloutSpec, Instant)}) at the moment the campaign would start it, with
   * the campaign's windows and window end as the run gives them, and with the fleet's target
   * relabelled as a stand-in for the rebuilt image, which is not built for a plan.
   *
   * @param spec what to plan
   * @return the waves, their fleets and times, the waits for windows, the peak exposure and the
   *     expected duration
   * @throws InvalidSpecException if {@code spec} is null or names an engine this object lacks
   * @throws dev.molt.ProviderException if reading a fleet fails
   */
  public CampaignPlan plan(CampaignSpec spec) {
    checkEngines(Arguments.required(spec, "spec"));
    VirtualTime time = VirtualTime.startingAt(clock.instant());
    PlannedEffects effects = new PlannedEffects((f, at) -> engines.get(f.engine())
        .plan(EngineEffects.fleetSpec(spec, f, standIn(spec, f)), at), time, time.clock());
    CampaignMachine machine = new CampaignMachine("plan", spec, effects, time.clock(), time,
        List.of());
    machine.start();
    Campaign end;
    try {
      end = time.await(machine.completion());
    } catch (CompletionException e) {
      throw new MoltException("planning campaign " + spec.name() + " failed: "
          + EngineEffects.unwrap(e), e);
    }
    return PlanReport.of(spec, end, effects.holds());
  }

  /** The fleet's current launch spec, relabelled: what a plan rolls out instead of the rebuild. */
  private static LaunchSpec standIn(CampaignSpec spec, CampaignFleet fleet) {
    LaunchSpec current = fleet.rollout().target();
    Map<String, String> labels = new TreeMap<>(current.image().labels());
    labels.put("molt.dev/campaign-plan", spec.change().to().reference());
    return current.withImage(current.image().withLabels(labels));
  }

  private void checkEngines(CampaignSpec spec) {
    for (int i = 0; i < spec.fleets().size(); i++) {
      String engine = spec.fleets().get(i).engine();
      if (!engines.containsKey(engine)) {
        throw new InvalidSpecException("fleets[" + i + "].engine", "fleet "
            + spec.fleets().get(i).name() + " names engine '" + engine + "', but the campaign"
            + " was given only " + new TreeMap<>(engines).keySet() + "; add it with"
            + " Campaigns.Builder.engine(name, engine)");
      }
    }
  }

  /** Builds {@link Campaigns}. Not thread-safe. */
  public static final class Builder {
    private final ImageRebuild rebuild;
    private final Map<String, RolloutEngine> engines = new LinkedHashMap<>();
    private final List<CampaignListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private Random random = new Random();
    private Optional<RolloutStore> store = Optional.empty();
    private Optional<String> identity = Optional.empty();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(5);

    private Builder(ImageRebuild rebuild) {
      this.rebuild = Arguments.required(rebuild, "rebuild");
    }

    /** Adds the engine of the fleets named {@link CampaignFleet#DEFAULT_ENGINE}. @return this */
    public Builder engine(RolloutEngine engine) {
      return engine(CampaignFleet.DEFAULT_ENGINE, engine);
    }

    /** Adds the engine of the fleets that name it. @return this builder */
    public Builder engine(String name, RolloutEngine engine) {
      engines.put(Arguments.notBlank(name, "name"), Arguments.required(engine, "engine"));
      return this;
    }

    /** Uses {@code time} as both clock and scheduler. @return this builder */
    public Builder time(VirtualTime time) {
      Arguments.required(time, "time");
      this.clock = time.clock();
      this.scheduler = time;
      return this;
    }

    /** Sets the clock (default the system clock). @return this builder */
    public Builder clock(Clock c) {
      this.clock = Arguments.required(c, "clock");
      return this;
    }

    /** Sets the scheduler: the engines' own, so that the campaign follows their time. @return this */
    public Builder scheduler(Scheduler s) {
      this.scheduler = Arguments.required(s, "scheduler");
      return this;
    }

    /** Adds a listener told about every campaign event. @return this builder */
    public Builder listener(CampaignListener listener) {
      listeners.add(Arguments.required(listener, "listener"));
      return this;
    }

    /**
     * Keeps every campaign's state in {@code s} (one that {@link RolloutStore#keepsCampaigns()}:
     * the in-memory, file, PostgreSQL and DynamoDB stores; usually the engines' own store), so
     * that it can be resumed after a crash. Default: none, campaigns live in memory only.
     *
     * @return this builder
     */
    public Builder store(RolloutStore s) {
      this.store = Optional.of(Arguments.required(s, "store"));
      return this;
    }

    /**
     * Names this process on the campaigns' leases (default {@code campaigns}); each {@code
     * Campaigns} object adds a random suffix, so two objects never share a lease.
     *
     * @return this builder
     */
    public Builder identity(String name) {
      this.identity = Optional.of(Arguments.notBlank(name, "identity"));
      return this;
    }

    /**
     * Sets how long a campaign's lease holds without renewal (default 30 s; renewed every third of
     * it): how soon another process may resume a campaign whose process died.
     *
     * @return this builder
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = Arguments.positive(ttl, "leaseTtl");
      return this;
    }

    /**
     * Sets how often a campaign kept in a store looks for control requests sent through it
     * ({@link dev.molt.store.ControlRequest} with the campaign's id: pause, resume, approve,
     * abort from another process, such as {@code molt campaign approve}); default 5 s.
     *
     * @param every the interval between two looks
     * @return this builder
     * @throws InvalidSpecException if {@code every} is null, zero or negative
     */
    public Builder pollInterval(Duration every) {
      this.pollInterval = Arguments.positive(every, "pollInterval");
      return this;
    }

    /** Seeds campaign ids, for reproducible runs. @return this builder */
    public Builder seed(long seed) {
      this.random = new Random(seed);
      return this;
    }

    /**
     * @return the campaigns entry point
     * @throws InvalidSpecException if no engine or no scheduler was given
     */
    public Campaigns build() {
      if (engines.isEmpty()) {
        throw new InvalidSpecException("engines", "none given: add the engine of each platform"
            + " with engine(engine) or engine(name, engine)");
      }
      if (scheduler == null) {
        throw new InvalidSpecException("scheduler", "is required: give the engines' scheduler"
            + " (scheduler(s)) or their virtual time (time(t))");
      }
      return new Campaigns(this);
    }
  }

  /** @return the names of the engines, for messages */
  @Override
  public String toString() {
    return "Campaigns" + new TreeMap<>(engines).keySet();
  }
}
