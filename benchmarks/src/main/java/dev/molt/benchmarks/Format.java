package dev.molt.benchmarks;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** How figures are printed: plain numbers a script can read, no locale, no grouping. */
final class Format {
  private Format() {}

  /** @return seconds with at most millisecond digits and a unit, such as {@code 140s} or {@code 2.5s} */
  static String seconds(Duration d) {
    BigDecimal s = BigDecimal.valueOf(d.toNanos()).movePointLeft(9)
        .setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    return s.toPlainString() + "s";
  }

  /** @return {@code actual / ideal} with three decimals; {@code 1.000} when both are zero */
  static String ratio(Duration actual, Duration ideal) {
    if (ideal.isZero()) {
      return actual.isZero() ? "1.000" : "inf";
    }
    return decimal((double) actual.toNanos() / ideal.toNanos(), 3);
  }

  /** @return {@code value} with {@code places} decimals; {@code nan} when it is not a number */
  static String decimal(double value, int places) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.isNaN(value) ? "nan" : "inf";
    }
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).toPlainString();
  }

  /** Prints the settings every simulation suite shares, as {@code key: value} lines. */
  static void header(java.io.PrintStream out, String suite, Options options) {
    out.println("suite: " + suite);
    out.println("launch: " + seconds(options.latencies().launch()));
    out.println("healthy: " + seconds(options.latencies().healthy()));
    out.println("drain: " + seconds(options.latencies().drain()));
    out.println("poll: " + seconds(options.poll()));
    out.println("notifications: " + (options.notifications() ? "on" : "off"));
  }

  /** @return milliseconds with one decimal */
  static String millis(Duration d) {
    return decimal(d.toNanos() / 1e6, 1);
  }
}
