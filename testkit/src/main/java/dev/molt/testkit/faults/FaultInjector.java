package dev.molt.testkit.faults;

import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.inmemory.FaultHook;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Injects a {@link FaultPlan} into an {@link InMemoryProvider}, drawing every choice from one
 * seeded {@link Random}: the same seed and the same engine calls give the same faults. A call is
 * refused for good (a non-retryable {@link ProviderException}) as the plan's {@link Refusals} say,
 * else throttled or timed out (retryable); a new instance fails at launch, never becomes healthy,
 * flaps or is slow. Counts what it injected, for reports ({@code refuse-drain}, {@code throttle},
 * ...). Thread-safe.
 */
public final class FaultInjector implements FaultHook {
  private final FaultPlan plan;
  private final Random random;
  private final Clock clock;
  private final Instant quietFrom;
  private final Map<String, Integer> injected = new TreeMap<>();

  private FaultInjector(FaultPlan plan, Random random, Clock clock) {
    this.plan = plan;
    this.random = random;
    this.clock = clock;
    this.quietFrom = clock.instant().plus(plan.quietAfter());
  }

  /**
   * Installs {@code plan} on {@code platform} from now on.
   *
   * @param platform the simulated platform
   * @param plan what to inject
   * @param seed seeds every choice
   * @param clock the platform's clock (the virtual time's)
   * @return the installed injector
   */
  public static FaultInjector install(InMemoryProvider platform, FaultPlan plan, long seed,
      Clock clock) {
    FaultInjector injector = new FaultInjector(plan, new Random(seed), clock);
    platform.faults(injector);
    return injector;
  }

  /** @return how many faults of each kind were injected so far */
  public synchronized Map<String, Integer> injected() {
    return Map.copyOf(injected);
  }

  @Override
  public synchronized void beforeCall(String operation, String fleet) {
    if (quiet()) {
      return;
    }
    Duration since = Duration.between(quietFrom.minus(plan.quietAfter()), clock.instant());
    if (plan.refusals().refuses(operation, since, random)) {
      count("refuse-" + operation);
      throw new ProviderException(operation, "fleet " + fleet, false,
          "injected fault: refused " + operation + " (the platform will not do it)");
    }
    double r = random.nextDouble();
    if (r < plan.throttle()) {
      count("throttle");
      throw new ProviderException(operation, "fleet " + fleet, true,
          "injected fault: throttled (rate exceeded)");
    }
    if (r < plan.throttle() + plan.timeout()) {
      count("timeout");
      throw new ProviderException(operation, "fleet " + fleet, true,
          "injected fault: timed out");
    }
  }

  @Override
  public synchronized InstanceBehavior behaviorOf(String fleet, Revision revision,
      InstanceBehavior scripted) {
    InstanceBehavior b = scripted.withLatencies(plan.launchLatency().sample(random),
        plan.healthLatency().sample(random));
    boolean faulty = plan.faultyRevision().map(revision::equals).orElse(true);
    if (!faulty || quiet()) {
      return b;
    }
    double r = random.nextDouble();
    double edge = plan.launchFailure();
    if (r < edge) {
      count("launch-failure");
      return b.failingLaunch();
    }
    if (r < (edge += plan.neverHealthy())) {
      count("never-healthy");
      return b.neverHealthy();
    }
    if (r < (edge += plan.flapping())) {
      count("flapping");
      return b.flapping(plan.flapPeriod());
    }
    if (r < edge + plan.slow()) {
      count("slow");
      return b.withLatencies(b.launchLatency(), b.timeToHealthy().plus(plan.slowBy()));
    }
    return b;
  }

  private boolean quiet() {
    return !clock.instant().isBefore(quietFrom);
  }

  private void count(String kind) {
    injected.merge(kind, 1, Integer::sum);
  }
}
