package dev.molt.strategy;

import dev.molt.InvalidSpecException;

/**
 * A number of instances given as a count ({@code 2}) or as a percentage of desired capacity
 * ({@code 25%}).
 *
 * @param value the count, or the percentage (0..100)
 * @param percent whether {@code value} is a percentage
 */
public record Amount(int value, boolean percent) {

  /** Validates the value. */
  public Amount {
    if (value < 0) {
      throw new InvalidSpecException("value", "must be >= 0, was " + value + (percent ? "%" : ""));
    }
    if (percent && value > 100) {
      throw new InvalidSpecException("value", "a percentage must be at most 100, was " + value + "%");
    }
  }

  /** @return an absolute count */
  public static Amount of(int count) {
    return new Amount(count, false);
  }

  /** @return a percentage of desired capacity */
  public static Amount percent(int percent) {
    return new Amount(percent, true);
  }

  /**
   * Parses {@code "3"} or {@code "25%"}.
   *
   * @param text the amount
   * @return the amount
   * @throws InvalidSpecException if it is neither form
   */
  public static Amount parse(String text) {
    String t = text == null ? "" : text.trim();
    try {
      return t.endsWith("%")
          ? percent(Integer.parseInt(t.substring(0, t.length() - 1)))
          : of(Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("value", "'" + text + "' is neither a count (3) nor a percentage (25%)");
    }
  }

  /** @return the amount resolved against {@code capacity}, rounding a percentage up */
  public int roundUp(int capacity) {
    return percent ? (int) Math.ceil(capacity * value / 100.0) : value;
  }

  /** @return the amount resolved against {@code capacity}, rounding a percentage down */
  public int roundDown(int capacity) {
    return percent ? (int) Math.floor(capacity * value / 100.0) : value;
  }

  @Override
  public String toString() {
    return percent ? value + "%" : Integer.toString(value);
  }
}
