package dev.molt.aws;

import dev.molt.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Molt's own pacing of EC2 requests under EC2's documented request-rate token buckets, so that a
 * large rollout is slowed by Molt before EC2 has to throttle it ({@code RequestLimitExceeded}):
 * RunInstances' resource bucket (1000 instances, 2 a second refill; a launch of n takes n) and the
 * bucket of describe calls (100, 20 a second; one per page). The provider never waits: a request
 * the bucket cannot pay for now is refused with a retryable {@link ProviderException} saying when
 * the bucket will have refilled enough, and the engine retries it with back-off. Time comes from
 * the injected clock. Thread-safe.
 */
final class RequestPacer {
  /** One token bucket: a capacity, a refill rate per second, the tokens at the last update. */
  static final class Bucket {
    private final String name;
    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final boolean enabled;
    private double tokens;
    private Instant updated;

    Bucket(String name, int capacity, int perSecond, Clock clock, boolean enabled) {
      this.name = name;
      this.enabled = enabled;
      this.capacity = capacity;
      this.perSecond = perSecond;
      this.clock = clock;
      this.tokens = capacity;
      this.updated = clock.instant();
    }

    /**
     * Takes {@code cost} tokens (at most the capacity), or refuses without taking any.
     *
     * @throws ProviderException retryable, naming the bucket and when it can pay
     */
    void take(String operation, String resource, int cost) {
      if (!enabled) {
        return;
      }
      double wanted = Math.min(cost, capacity);
      Duration wait;
      synchronized (this) {
        Instant now = clock.instant();
        if (now.isAfter(updated)) {
          tokens = Math.min(capacity, tokens
              + perSecond * Duration.between(updated, now).toNanos() / 1e9);
          updated = now;
        }
        if (tokens >= wanted) {
          tokens -= wanted;
          return;
        }
        wait = Duration.ofNanos((long) Math.ceil((wanted - tokens) / perSecond * 1e9));
      }
      throw new ProviderException(operation, resource, true, "paced by Molt under EC2's " + name
          + " request bucket (" + (int) capacity + ", refilling " + (int) perSecond
          + " a second): " + (int) wanted + " needed, enough again in " + wait.toMillis() + " ms");
    }
  }

  /** EC2's RunInstances resource bucket: 1000 instances, 2 a second. */
  final Bucket launches;
  /** EC2's bucket of non-mutating (Describe*) actions: 100, 20 a second. */
  final Bucket describes;

  /** @param enabled false takes no tokens (EC2's own throttling only) */
  RequestPacer(Clock clock, boolean enabled) {
    this.launches = new Bucket("RunInstances (instances)", 1000, 2, clock, enabled);
    this.describes = new Bucket("Describe*", 100, 20, clock, enabled);
  }
}
