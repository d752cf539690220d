package dev.molt.benchmarks;

import dev.molt.inmemory.InstanceBehavior;
import java.time.Duration;

/**
 * The fixed platform latencies of a simulated rollout: every instance takes exactly these times.
 *
 * @param launch from the launch call until the instance runs
 * @param healthy from running until its health check first passes
 * @param drain from the drain call until nothing is in flight
 */
public record Latencies(Duration launch, Duration healthy, Duration drain) {

  /** Rejects negative or missing durations. */
  public Latencies {
    for (Duration d : new Duration[] {launch, healthy, drain}) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("latencies must be zero or positive, got " + d);
      }
    }
  }

  /** @return the in-memory provider's defaults: launch 20 s, healthy 10 s later, drain 5 s */
  public static Latencies defaults() {
    return new Latencies(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  /** @return from launch call until serving: {@code launch + healthy} */
  public Duration untilReady() {
    return launch.plus(healthy);
  }

  /** @return how simulated instances behave under these latencies */
  public InstanceBehavior behavior() {
    return InstanceBehavior.healthy(launch, healthy).withDrainTime(drain);
  }
}
