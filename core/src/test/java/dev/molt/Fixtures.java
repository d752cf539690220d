package dev.molt;

import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.time.VirtualTime;
import java.time.Duration;

/** A virtual-time platform and engine with a v1 and a v2 spec, shared by the core tests. */
public final class Fixtures {
  public static final String FLEET = "web";
  public static final LaunchSpec V1 = spec("1", "v1");
  public static final LaunchSpec V2 = spec("2", "v2");

  public final VirtualTime time = VirtualTime.create();
  public final InMemoryProvider platform;
  public final RolloutEngine engine;

  public Fixtures(RolloutListener... listeners) {
    this(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)), listeners);
  }

  public Fixtures(InstanceBehavior behavior, RolloutListener... listeners) {
    platform = InMemoryProvider.builder(time).defaultBehavior(behavior).build();
    RolloutEngine.Builder b = RolloutEngine.builder(platform).time(time).seed(7)
        .pollInterval(Duration.ofSeconds(5));
    for (RolloutListener l : listeners) {
      b.listener(l);
    }
    engine = b.build();
  }

  public static LaunchSpec spec(String digestChar, String version) {
    return LaunchSpec.builder(Image.of("registry.example/web@sha256:" + digestChar.repeat(64),
            version))
        .ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
  }

  public static RolloutSpec.Builder rollout(LaunchSpec target, int capacity) {
    return RolloutSpec.builder(FLEET).capacity(capacity).target(target);
  }

  /** Deploys v1 at {@code capacity} onto an empty fleet and returns the final rollout. */
  public Rollout deployV1(int capacity) {
    Rollout r = engine.run(rollout(V1, capacity)
        .strategy(dev.molt.strategy.RollingUpdate.defaults().withHealthyDeadline(Duration.ofDays(1)))
        .progressDeadline(Duration.ofDays(1)).build());
    if (r.phase() != RolloutPhase.SUCCEEDED) {
      throw new AssertionError("initial deploy of v1 did not succeed: " + r);
    }
    return r;
  }

  /** @return live owned instances of the fleet on {@code spec}'s revision */
  public long count(LaunchSpec spec) {
    return platform.instances(FLEET).stream()
        .filter(i -> i.revision().equals(spec.revision())).count();
  }

  /** @return healthy instances of the fleet on {@code spec}'s revision */
  public long healthy(LaunchSpec spec) {
    return platform.instances(FLEET).stream()
        .filter(i -> i.revision().equals(spec.revision()) && i.isHealthy()).count();
  }

  /**
   * A platform and an engine on the real clock, driven by {@code executor} (10 ms launches and
   * health checks, 50 ms polls), with v1 deployed at capacity 2.
   *
   * @param executor runs the engine's and the platform's tasks; the caller shuts it down
   * @param retries the engine's retry settings
   * @return the platform and the engine
   */
  public static RealClock realClock(java.util.concurrent.ScheduledExecutorService executor,
      dev.molt.engine.RetrySettings retries) throws Exception {
    dev.molt.time.Scheduler scheduler = dev.molt.time.Scheduler.of(executor);
    InMemoryProvider platform = InMemoryProvider.builder(java.time.Clock.systemUTC(), scheduler)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofMillis(10), Duration.ofMillis(10)))
        .build();
    RolloutEngine engine = RolloutEngine.builder(platform).clock(java.time.Clock.systemUTC())
        .scheduler(scheduler).pollInterval(Duration.ofMillis(50)).retries(retries).build();
    engine.start(rollout(V1, 2).build()).completion()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    return new RealClock(platform, engine);
  }

  /**
   * @param platform the in-memory platform on the real clock
   * @param engine the engine driving it
   */
  public record RealClock(InMemoryProvider platform, RolloutEngine engine) {}
}
