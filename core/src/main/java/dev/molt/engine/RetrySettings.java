package dev.molt.engine;

import dev.molt.Arguments;
import java.time.Duration;

/**
 * How the engine retries provider calls that fail with a retryable {@link
 * dev.molt.ProviderException} (throttling, timeouts): exponential backoff from {@code
 * initialDelay} to {@code maxDelay} with ±{@code jitter} of each delay drawn from the engine's
 * seeded random source, at most {@code maxAttempts} attempts, each bounded by {@code callTimeout}.
 * Waits run on the engine's scheduler, so they follow virtual time in tests.
 *
 * @param maxAttempts attempts per call, at least 1 (default 5)
 * @param initialDelay the first backoff (default 200 ms)
 * @param maxDelay the largest backoff (default 10 s)
 * @param jitter the fraction of each delay randomised, 0..1 (default 0.25)
 * @param callTimeout the longest one attempt may take (default 60 s)
 * @param refusalDelay the first wait after an action the platform refused for good (a
 *     non-retryable error, or retries used up): the rollout observes again only after it, doubling
 *     with each refusal in a row up to {@code maxDelay}, with the same jitter (default 2 s)
 * @param maxRefusals refusals in a row after which the step fails and the rollout's failure policy
 *     applies, at least 1 (default 5); a refusal never resets the progress deadline either
 */
public record RetrySettings(
    int maxAttempts, Duration initialDelay, Duration maxDelay, double jitter, Duration callTimeout,
    Duration refusalDelay, int maxRefusals) {

  /** Validates the fields. */
  public RetrySettings {
    Arguments.positive(maxAttempts, "maxAttempts");
    Arguments.positive(initialDelay, "initialDelay");
    Arguments.positive(maxDelay, "maxDelay");
    Arguments.positive(callTimeout, "callTimeout");
    Arguments.positive(refusalDelay, "refusalDelay");
    Arguments.positive(maxRefusals, "maxRefusals");
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new dev.molt.InvalidSpecException("maxDelay", "must be >= initialDelay " + initialDelay
          + ", was " + maxDelay);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new dev.molt.InvalidSpecException("jitter", "must be in 0..1, was " + jitter);
    }
  }

  /** @return the defaults described above */
  public static RetrySettings defaults() {
    return new RetrySettings(5, Duration.ofMillis(200), Duration.ofSeconds(10), 0.25,
        Duration.ofSeconds(60), Duration.ofSeconds(2), 5);
  }

  /**
   * @return settings that make one attempt per call and never retry it; refused actions still back
   *     off (from 1 ms) and fail the step after the default number of refusals
   */
  public static RetrySettings none() {
    return new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1), 0,
        Duration.ofSeconds(60), Duration.ofMillis(1), 5);
  }

  /** @return a copy that waits {@code first} after a refused action, failing after {@code limit} */
  public RetrySettings withRefusals(Duration first, int limit) {
    return new RetrySettings(maxAttempts, initialDelay, maxDelay, jitter, callTimeout, first,
        limit);
  }
}
