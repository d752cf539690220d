package dev.molt.decide;

import dev.molt.Instance;
import dev.molt.InstanceState;
import java.time.Duration;
import java.time.Instant;

/**
 * The readiness rules, stated once for every planner:
 *
 * <ul>
 *   <li>a draining instance is {@link Bucket#DRAINED} when {@linkplain Drains#isOver its drain is
 *       over}, else {@link Bucket#DRAINING} until its drain deadline;
 *   <li>a failed instance is {@link Bucket#FAILED};
 *   <li>a healthy instance is {@link Bucket#READY} once healthy for {@code minReady} (counted from
 *       {@code healthySince}), else {@link Bucket#PENDING} until then;
 *   <li>any other instance is {@link Bucket#PENDING} until {@code healthyDeadline} after its
 *       launch, then {@link Bucket#FAILED}.
 * </ul>
 *
 * Each moment at which an instance's bucket will change is handed to a {@link WakeUp}, so that the
 * run wakes exactly then. Pure.
 *
 * @param minReady how long an instance must be healthy before it counts as serving
 * @param healthyDeadline how long after launch an instance may take to become healthy
 * @param drainTimeout how long a drain may take before the instance is terminated anyway
 */
record Readiness(Duration minReady, Duration healthyDeadline, Duration drainTimeout) {

  /** Where the rules put one instance. */
  enum Bucket {
    /** Healthy for at least the minimum ready time. */
    READY,
    /** Launching, or healthy for less than the minimum ready time, and within its deadline. */
    PENDING,
    /** Failed, or not healthy by its deadline. */
    FAILED,
    /** Draining, and its drain is not over. */
    DRAINING,
    /** Draining, and its drain is over: to terminate. */
    DRAINED
  }

  /**
   * @param i a live (not terminated) instance
   * @param now the decision's time
   * @param wake told when {@code i}'s bucket next changes
   * @return the bucket {@code i} is in at {@code now}
   */
  Bucket sort(Instance i, Instant now, WakeUp wake) {
    if (i.state().isDraining()) {
      if (Drains.isOver(i, now, drainTimeout)) {
        return Bucket.DRAINED;
      }
      wake.at(Drains.deadline(i, drainTimeout));
      return Bucket.DRAINING;
    }
    if (i.state() == InstanceState.FAILED) {
      return Bucket.FAILED;
    }
    if (i.isHealthy()) {
      Instant readyAt = i.healthySince().orElse(i.stateSince()).plus(minReady);
      return wake.ifAfter(now, readyAt) ? Bucket.PENDING : Bucket.READY;
    }
    Instant deadline = i.launchedAt().plus(healthyDeadline);
    return wake.ifAfter(now, deadline) ? Bucket.PENDING : Bucket.FAILED;
  }
}
