package dev.molt.testkit;

import dev.molt.Fleet;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.faults.FaultInjector;
import dev.molt.testkit.faults.FaultPlan;
import dev.molt.time.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A whole simulated platform for one test: {@link VirtualTime}, an {@link InMemoryProvider} on it,
 * a shared {@link RolloutStore}, and engines built on them, all seeded from one recorded seed. The
 * {@link MoltSimulation} extension hands one to each test; {@link #create(long)} builds one anywhere
 * else. Drive it from one thread.
 *
 * <pre>{@code
 * SimulatedPlatform sim = SimulatedPlatform.create(42);
 * sim.deploy("web", SimulatedPlatform.spec("v1"), 4);
 * Rollout done = sim.engine().run(RolloutSpec.builder("web").capacity(4)
 *     .target(SimulatedPlatform.spec("v2")).build());
 * }</pre>
 */
public final class SimulatedPlatform {
  private final long seed;
  private final Random random;
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider provider;
  private final RolloutStore store = new InMemoryRolloutStore();
  private final List<RolloutListener> listeners = new CopyOnWriteArrayList<>();
  private RolloutEngine engine;

  private SimulatedPlatform(long seed, boolean routed) {
    this.seed = seed;
    this.random = new Random(seed);
    InMemoryProvider.Builder b = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)));
    this.provider = (routed ? b : b.withoutRouter()).build();
  }

  /**
   * Creates a platform: instances launch in 20 s and are healthy 10 s later unless scripted.
   *
   * @param seed seeds the engines and {@link #random()}
   * @return the platform
   */
  public static SimulatedPlatform create(long seed) {
    return new SimulatedPlatform(seed, true);
  }

  /**
   * Creates a platform as {@link #create(long)} does, with or without its in-memory traffic router
   * (without one, canary weights follow the replica ratio and blue-green switches on drain).
   *
   * @param seed seeds the engines and {@link #random()}
   * @param routed whether the platform has a traffic router
   * @return the platform
   */
  public static SimulatedPlatform create(long seed, boolean routed) {
    return new SimulatedPlatform(seed, routed);
  }

  /**
   * A launch spec for tests: a pinned image whose digest derives from {@code version}, port 8080,
   * HTTP health check on {@code /health}. Equal versions give equal revisions.
   *
   * @param version a version label such as {@code v2}
   * @return the spec
   */
  public static LaunchSpec spec(String version) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(version.getBytes(StandardCharsets.UTF_8));
      Image image = Image.of("registry.example/app@sha256:" + HexFormat.of().formatHex(digest),
          version);
      return LaunchSpec.builder(image).ports(8080).healthCheck(HealthCheck.http(8080, "/health"))
          .build();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** @return the seed everything here derives from */
  public long seed() {
    return seed;
  }

  /** @return a random source seeded from {@link #seed()}, for the test's own choices */
  public Random random() {
    return random;
  }

  /** @return the virtual time: clock and scheduler */
  public VirtualTime time() {
    return time;
  }

  /** @return the simulated platform */
  public InMemoryProvider provider() {
    return provider;
  }

  /** @return the store every engine built here shares */
  public RolloutStore store() {
    return store;
  }

  /**
   * Starts an engine builder on this platform: virtual time, the shared store, the seed, a 5 s
   * poll interval, and every listener added with {@link #listen}.
   *
   * @return the builder, to adjust and build
   */
  public RolloutEngine.Builder engineBuilder() {
    RolloutEngine.Builder b = RolloutEngine.builder(provider).time(time).seed(seed).store(store)
        .pollInterval(Duration.ofSeconds(5));
    b.listener((rollout, event) -> listeners.forEach(l -> l.onEvent(rollout, event)));
    return b;
  }

  /** @return the default engine (identity {@code engine}), built on first use */
  public synchronized RolloutEngine engine() {
    if (engine == null) {
      engine = engineBuilder().identity("engine").build();
    }
    return engine;
  }

  /**
   * Tells every engine built here about each event from now on.
   *
   * @param listener the listener
   */
  public void listen(RolloutListener listener) {
    listeners.add(listener);
  }

  /**
   * Deploys {@code spec} at {@code capacity} onto a fleet, with generous deadlines, and waits for
   * it: the "current version" a test then rolls away from.
   *
   * @return the finished rollout
   * @throws AssertionError if the deploy did not succeed
   */
  public Rollout deploy(String fleet, LaunchSpec spec, int capacity) {
    Rollout done = engine().run(RolloutSpec.builder(fleet).capacity(capacity).target(spec)
        .strategy(RollingUpdate.defaults().withHealthyDeadline(Duration.ofDays(1)))
        .progressDeadline(Duration.ofDays(1)).build());
    if (done.phase() != RolloutPhase.SUCCEEDED) {
      throw new AssertionError("deploying " + spec.image().version() + " to " + fleet
          + " ended " + done.phase() + ": " + done.events(RolloutEvent.Type.FAILED));
    }
    return done;
  }

  /**
   * Installs faults on the platform from now on, seeded from this platform's seed.
   *
   * @param plan what to inject
   * @return the injector, which counts what it injected
   */
  public FaultInjector inject(FaultPlan plan) {
    return FaultInjector.install(provider, plan, random.nextLong(), time.clock());
  }

  /**
   * The fleet as the platform has it now: Molt's live instances, health merged in; desired
   * capacity is their number.
   *
   * @param name the fleet name
   * @return the snapshot
   */
  public Fleet fleet(String name) {
    List<Instance> owned = provider.instances(name).stream()
        .filter(i -> OwnerLabels.isOwned(i.labels(), name)).toList();
    return new Fleet(name, owned.size(), owned, Map.of());
  }
}
