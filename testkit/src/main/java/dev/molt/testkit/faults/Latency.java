package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.Random;

/**
 * A distribution of delays, sampled from a seeded {@link Random} so that a run replays exactly.
 *
 * @param shape how samples spread between {@code min} and {@code max}
 * @param min the shortest delay
 * @param max the longest delay (equal to {@code min} for {@link Shape#FIXED})
 */
public record Latency(Shape shape, Duration min, Duration max) {

  /** How samples spread. */
  public enum Shape {
    /** Always {@code min}. */
    FIXED,
    /** Uniform between {@code min} and {@code max}. */
    UNIFORM,
    /** {@code min} plus an exponential tail with mean a quarter of the range, cut at {@code max}. */
    EXPONENTIAL
  }

  /** Validates the fields. */
  public Latency {
    if (shape == null || min == null || max == null) {
      throw new InvalidSpecException("latency", "shape, min and max are required");
    }
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new InvalidSpecException("max", "need 0 <= min <= max, was " + min + ".." + max);
    }
  }

  /** @return always {@code delay} */
  public static Latency fixed(Duration delay) {
    return new Latency(Shape.FIXED, delay, delay);
  }

  /** @return uniform between {@code min} and {@code max} */
  public static Latency uniform(Duration min, Duration max) {
    return new Latency(Shape.UNIFORM, min, max);
  }

  /** @return mostly near {@code min}, with a long tail up to {@code max} */
  public static Latency exponential(Duration min, Duration max) {
    return new Latency(Shape.EXPONENTIAL, min, max);
  }

  /**
   * Draws one delay.
   *
   * @param random the seeded source
   * @return a delay in {@code min..max}
   */
  public Duration sample(Random random) {
    long range = max.toMillis() - min.toMillis();
    long extra = switch (shape) {
      case FIXED -> 0;
      case UNIFORM -> range == 0 ? 0 : (long) (random.nextDouble() * range);
      case EXPONENTIAL -> (long) Math.min(range, -Math.log(1 - random.nextDouble()) * range / 4);
    };
    return min.plusMillis(extra);
  }
}
