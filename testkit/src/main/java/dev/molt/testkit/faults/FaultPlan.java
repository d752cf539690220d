package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link FaultInjector} does to a simulated platform. Probabilities are per new instance (of
 * {@code faultyRevision}, or of every revision if empty) or per platform call; latencies apply to
 * every new instance. After {@code quietAfter} of virtual time the platform behaves again, so a
 * rollout can always end.
 *
 * @param launchFailure chance a new instance fails at launch
 * @param neverHealthy chance a new instance never passes its health check
 * @param flapping chance a new instance alternates healthy and unhealthy every {@code flapPeriod}
 * @param slow chance a new instance takes {@code slowBy} longer to become healthy
 * @param throttle chance a platform call fails with a retryable throttling error
 * @param timeout chance a platform call fails with a retryable timeout
 * @param launchLatency how long launches take
 * @param healthLatency how long from running to the first passing health check
 * @param flapPeriod the length of a flapping instance's spells
 * @param slowBy how much longer a slow instance takes to become healthy
 * @param faultyRevision the revision whose instances misbehave; empty for every revision
 * @param quietAfter how long after installation faults stop
 * @param refusals which actions the platform refuses for good, and when
 */
public record FaultPlan(
    double launchFailure,
    double neverHealthy,
    double flapping,
    double slow,
    double throttle,
    double timeout,
    Latency launchLatency,
    Latency healthLatency,
    Duration flapPeriod,
    Duration slowBy,
    Optional<Revision> faultyRevision,
    Duration quietAfter,
    Refusals refusals) {

  /** Validates the fields. */
  public FaultPlan {
    probability(launchFailure + neverHealthy + flapping + slow, "launchFailure..slow (sum)");
    probability(throttle + timeout, "throttle+timeout");
    if (launchLatency == null || healthLatency == null || flapPeriod == null || slowBy == null
        || faultyRevision == null || quietAfter == null || refusals == null) {
      throw new InvalidSpecException("faultPlan", "no field may be null");
    }
    if (flapPeriod.isNegative() || flapPeriod.isZero()) {
      throw new InvalidSpecException("flapPeriod", "must be positive, was " + flapPeriod);
    }
  }

  private static void probability(double p, String field) {
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidSpecException(field, "must be a probability in 0..1, was " + p);
    }
  }

  /** @return a plan that injects nothing: 20 s launches, 10 s to healthy */
  public static FaultPlan none() {
    return new FaultPlan(0, 0, 0, 0, 0, 0, Latency.fixed(Duration.ofSeconds(20)),
        Latency.fixed(Duration.ofSeconds(10)), Duration.ofSeconds(30), Duration.ZERO,
        Optional.empty(), Duration.ofDays(365), Refusals.none());
  }

  /** @return a copy where each new instance fails at launch with {@code p} */
  public FaultPlan withLaunchFailures(double p) {
    return new FaultPlan(p, neverHealthy, flapping, slow, throttle, timeout, launchLatency,
        healthLatency, flapPeriod, slowBy, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy where each new instance never becomes healthy with {@code p} */
  public FaultPlan withNeverHealthy(double p) {
    return new FaultPlan(launchFailure, p, flapping, slow, throttle, timeout, launchLatency,
        healthLatency, flapPeriod, slowBy, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy where each new instance flaps every {@code period} with {@code p} */
  public FaultPlan withFlapping(double p, Duration period) {
    return new FaultPlan(launchFailure, neverHealthy, p, slow, throttle, timeout, launchLatency,
        healthLatency, period, slowBy, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy where each new instance is {@code by} slower to become healthy with {@code p} */
  public FaultPlan withSlow(double p, Duration by) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, p, throttle, timeout,
        launchLatency, healthLatency, flapPeriod, by, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy where each call is throttled with {@code pThrottle} or times out with {@code pTimeout} */
  public FaultPlan withCallErrors(double pThrottle, double pTimeout) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, pThrottle, pTimeout,
        launchLatency, healthLatency, flapPeriod, slowBy, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy with these latency distributions */
  public FaultPlan withLatencies(Latency launch, Latency health) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, throttle, timeout, launch,
        health, flapPeriod, slowBy, faultyRevision, quietAfter, refusals);
  }

  /** @return a copy where only instances of {@code revision} misbehave */
  public FaultPlan onlyFor(Revision revision) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, throttle, timeout,
        launchLatency, healthLatency, flapPeriod, slowBy, Optional.of(revision), quietAfter,
        refusals);
  }

  /** @return a copy whose faults stop {@code after} installation */
  public FaultPlan quietAfter(Duration after) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, throttle, timeout,
        launchLatency, healthLatency, flapPeriod, slowBy, faultyRevision, after, refusals);
  }

  /** @return a copy where every revision's new instances misbehave, the previous one's too */
  public FaultPlan forEveryRevision() {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, throttle, timeout,
        launchLatency, healthLatency, flapPeriod, slowBy, Optional.empty(), quietAfter, refusals);
  }

  /** @return a copy that refuses actions as {@code newRefusals} says */
  public FaultPlan withRefusals(Refusals newRefusals) {
    return new FaultPlan(launchFailure, neverHealthy, flapping, slow, throttle, timeout,
        launchLatency, healthLatency, flapPeriod, slowBy, faultyRevision, quietAfter, newRefusals);
  }
}
