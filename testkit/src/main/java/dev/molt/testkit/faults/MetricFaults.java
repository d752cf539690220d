package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.Random;

/**
 * How a {@link FaultyGate}'s metric source misbehaves, per measurement: it hangs (never answers)
 * with {@code hung} probability, or answers {@code delay} late with {@code slow} probability,
 * sometimes later than the analysis's timeout.
 *
 * @param hung chance a measurement never completes
 * @param slow chance a measurement completes late
 * @param delay how late a slow measurement completes, in the engine's time
 */
public record MetricFaults(double hung, double slow, Latency delay) {

  /** Validates the fields. */
  public MetricFaults {
    if (!(hung >= 0 && slow >= 0 && hung + slow <= 1)) {
      throw new InvalidSpecException("hung+slow", "must be probabilities summing to at most 1,"
          + " were " + hung + " and " + slow);
    }
    if (delay == null) {
      throw new InvalidSpecException("delay", "is required");
    }
  }

  /** @return a metric source that always answers at once */
  public static MetricFaults none() {
    return new MetricFaults(0, 0, Latency.fixed(Duration.ZERO));
  }

  /**
   * Draws metric faults: half the time none; else up to 20 % hung and up to 40 % slow, slow ones
   * late by 1 s to 90 s (three times the default analysis timeout).
   *
   * @param random the schedule's seeded source
   * @return the faults
   */
  public static MetricFaults draw(Random random) {
    if (random.nextBoolean()) {
      return none();
    }
    return new MetricFaults(random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.2,
        random.nextDouble() * 0.4,
        Latency.uniform(Duration.ofSeconds(1), Duration.ofSeconds(1 + random.nextInt(90))));
  }

  /** @return whether any measurement can hang or be late */
  public boolean any() {
    return hung > 0 || slow > 0;
  }

  @Override
  public String toString() {
    return any() ? String.format("hung=%.2f slow=%.2f by=%s..%s", hung, slow, delay.min(),
        delay.max()) : "none";
  }
}
