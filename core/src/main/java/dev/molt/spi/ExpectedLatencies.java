package dev.molt.spi;

import dev.molt.Arguments;
import java.time.Duration;

/**
 * How long a platform typically takes, used by {@code RolloutEngine.plan} to estimate a rollout's
 * duration before touching anything.
 *
 * @param launch from a launch call until the instance runs
 * @param healthy from running until its health check first passes
 * @param drain from a drain call until in-flight requests have finished
 */
public record ExpectedLatencies(Duration launch, Duration healthy, Duration drain) {

  /** Validates the fields. */
  public ExpectedLatencies {
    Arguments.nonNegative(launch, "launch");
    Arguments.nonNegative(healthy, "healthy");
    Arguments.nonNegative(drain, "drain");
  }

  /** @return launch 20 s, healthy 10 s, drain 5 s: a container platform's order of magnitude */
  public static ExpectedLatencies defaults() {
    return new ExpectedLatencies(Duration.ofSeconds(20), Duration.ofSeconds(10),
        Duration.ofSeconds(5));
  }
}
