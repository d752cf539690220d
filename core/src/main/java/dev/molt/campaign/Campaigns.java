package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.engine.RolloutEngine;
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
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

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
 * <p>The campaign's state lives in memory only: it does not survive a crash yet (each fleet's
 * rollout does, in its engine's store). Thread-safe.
 */
public final class Campaigns {
  private final Map<String, RolloutEngine> engines;
  private final ImageRebuild rebuild;
  private final Clock clock;
  private final Scheduler scheduler;
  private final List<CampaignListener> listeners;
  private final Random random;

  private Campaigns(Builder b) {
    this.engines = Map.copyOf(b.engines);
    this.rebuild = b.rebuild;
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.listeners = List.copyOf(b.listeners);
    this.random = b.random;
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
   * @throws InvalidSpecException if {@code spec} is null or names an engine this object lacks
   */
  public CampaignHandle start(CampaignSpec spec) {
    checkEngines(Arguments.required(spec, "spec"));
    String id;
    synchronized (random) {
      id = String.format("ca-%08x", random.nextInt());
    }
    CampaignMachine machine = new CampaignMachine(id, spec, new EngineEffects(engines, rebuild,
        scheduler, clock), clock, scheduler, listeners);
    machine.start();
    return machine;
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
   * Works out what {@code spec} would do, touching nothing: each affected fleet's rollout is
   * planned by its engine ({@link RolloutEngine#plan}, with the fleet's target relabelled as a
   * stand-in for the rebuilt image, which is not built for a plan), then the campaign's planner
   * runs in virtual time with those durations.
   *
   * @param spec what to plan
   * @return the waves, their fleets and times, the peak exposure and the expected duration
   * @throws InvalidSpecException if {@code spec} is null or names an engine this object lacks
   * @throws dev.molt.ProviderException if reading a fleet fails
   */
  public CampaignPlan plan(CampaignSpec spec) {
    checkEngines(Arguments.required(spec, "spec"));
    Map<String, Duration> durations = new HashMap<>();
    for (List<CampaignFleet> wave : spec.waveFleets()) {
      for (CampaignFleet f : wave) {
        LaunchSpec current = f.rollout().target();
        Map<String, String> labels = new TreeMap<>(current.image().labels());
        labels.put("molt.dev/campaign-plan", spec.change().to().reference());
        LaunchSpec standIn = current.withImage(current.image().withLabels(labels));
        durations.put(f.name(), engines.get(f.engine()).plan(f.rollout().withTarget(standIn))
            .expectedDuration());
      }
    }
    VirtualTime time = VirtualTime.startingAt(clock.instant());
    CampaignMachine machine = new CampaignMachine("plan", spec, new PlannedEffects(durations,
        time), time.clock(), time, List.of());
    machine.start();
    Campaign end;
    try {
      end = time.await(machine.completion());
    } catch (CompletionException e) {
      throw new MoltException("planning campaign " + spec.name() + " failed: "
          + EngineEffects.unwrap(e), e);
    }
    return new CampaignPlan(spec.name(), wavePlans(spec, end), end.elapsed(), end.peakExposure(),
        spec.exposureBudget(), spec.totalCapacity());
  }

  private static List<CampaignPlan.WavePlan> wavePlans(CampaignSpec spec, Campaign end) {
    Map<String, Instant> started = new LinkedHashMap<>();
    Map<String, Instant> ended = new HashMap<>();
    Map<String, Instant> firstSeen = new HashMap<>();
    for (CampaignEvent e : end.history()) {
      e.wave().ifPresent(w -> firstSeen.putIfAbsent(w, e.at()));
      if (e.type() == CampaignEvent.Type.WAVE_STARTED) {
        started.put(e.wave().orElseThrow(), e.at());
      } else if (e.type() == CampaignEvent.Type.WAVE_ENDED) {
        ended.put(e.wave().orElseThrow(), e.at());
      }
    }
    List<CampaignPlan.WavePlan> out = new ArrayList<>();
    List<List<CampaignFleet>> members = spec.waveFleets();
    for (int i = 0; i < spec.waves().size(); i++) {
      Wave w = spec.waves().get(i);
      Instant start = started.get(w.name());
      Instant stop = ended.get(w.name());
      Instant next = i + 1 < spec.waves().size()
          ? firstSeen.get(spec.waves().get(i + 1).name()) : end.updatedAt();
      out.add(new CampaignPlan.WavePlan(w.name(), members.get(i).stream()
          .map(CampaignFleet::name).toList(), Duration.between(end.startedAt(), start),
          Duration.between(start, stop), Duration.between(stop, next), w.approval()));
    }
    return out;
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
