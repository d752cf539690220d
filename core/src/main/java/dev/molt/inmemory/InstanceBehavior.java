package dev.molt.inmemory;

import dev.molt.Arguments;
import java.time.Duration;

/**
 * How simulated instances of one revision behave on the {@link InMemoryProvider}, in virtual time.
 *
 * @param launchLatency from launch until running
 * @param timeToHealthy from running until the health check first passes
 * @param drainTime from drain until drained
 * @param failure the scripted failure, if any
 * @param unhealthyAfter for {@link Failure#TURNS_UNHEALTHY}: how long it stays healthy first; for
 *     {@link Failure#FLAPPING}: how long each healthy or unhealthy spell lasts
 */
public record InstanceBehavior(
    Duration launchLatency,
    Duration timeToHealthy,
    Duration drainTime,
    Failure failure,
    Duration unhealthyAfter) {

  /** Scripted failures. */
  public enum Failure {
    /** Behaves. */
    NONE,
    /** Fails at launch: reported {@code FAILED} once its launch latency has passed. */
    LAUNCH_FAILS,
    /** Runs but never passes its health check. */
    NEVER_HEALTHY,
    /** Becomes healthy, then fails its health check after {@code unhealthyAfter}. */
    TURNS_UNHEALTHY,
    /** Becomes healthy, then alternates unhealthy and healthy spells of {@code unhealthyAfter}. */
    FLAPPING
  }

  /**
   * Validates the fields.
   *
   * @throws dev.molt.InvalidSpecException if a duration is null or negative, or a flapping
   *     behavior's spell ({@code unhealthyAfter}) is zero
   */
  public InstanceBehavior {
    Arguments.nonNegative(launchLatency, "launchLatency");
    Arguments.nonNegative(timeToHealthy, "timeToHealthy");
    Arguments.nonNegative(drainTime, "drainTime");
    Arguments.required(failure, "failure");
    Arguments.nonNegative(unhealthyAfter, "unhealthyAfter");
    if (failure == Failure.FLAPPING) {
      Arguments.positive(unhealthyAfter, "unhealthyAfter"); // the length of a spell
    }
  }

  /** @return launch 20 s, healthy 10 s later, drain 5 s, no failure */
  public static InstanceBehavior defaults() {
    return healthy(Duration.ofSeconds(20), Duration.ofSeconds(10));
  }

  /** @return well-behaved instances with these latencies and a 5 s drain */
  public static InstanceBehavior healthy(Duration launchLatency, Duration timeToHealthy) {
    return new InstanceBehavior(launchLatency, timeToHealthy, Duration.ofSeconds(5), Failure.NONE,
        Duration.ZERO);
  }

  /** @return a copy with this drain time */
  public InstanceBehavior withDrainTime(Duration time) {
    return new InstanceBehavior(launchLatency, timeToHealthy, time, failure, unhealthyAfter);
  }

  /** @return a copy whose launches fail */
  public InstanceBehavior failingLaunch() {
    return new InstanceBehavior(launchLatency, timeToHealthy, drainTime, Failure.LAUNCH_FAILS,
        Duration.ZERO);
  }

  /** @return a copy whose instances never become healthy */
  public InstanceBehavior neverHealthy() {
    return new InstanceBehavior(launchLatency, timeToHealthy, drainTime, Failure.NEVER_HEALTHY,
        Duration.ZERO);
  }

  /** @return a copy whose instances turn unhealthy {@code after} being healthy that long */
  public InstanceBehavior turningUnhealthyAfter(Duration after) {
    return new InstanceBehavior(launchLatency, timeToHealthy, drainTime, Failure.TURNS_UNHEALTHY,
        after);
  }

  /**
   * A copy whose instances flap: healthy, then unhealthy and healthy again, each spell lasting
   * {@code period}.
   *
   * @param period the length of each spell, positive
   * @return the behavior
   */
  public InstanceBehavior flapping(Duration period) {
    Arguments.positive(period, "period");
    return new InstanceBehavior(launchLatency, timeToHealthy, drainTime, Failure.FLAPPING, period);
  }

  /** @return a copy with these launch and health latencies */
  public InstanceBehavior withLatencies(Duration launch, Duration toHealthy) {
    return new InstanceBehavior(launch, toHealthy, drainTime, failure, unhealthyAfter);
  }
}
