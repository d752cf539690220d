package dev.molt.files;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in files: {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 250ms}, {@code 2.5s},
 * {@code 2d}. Parts come largest first, each unit at most once; every output of {@code
 * dev.molt.Durations.text} ({@code 10m00s}, {@code 1h02m03s}, {@code 90d00h00m}) parses too.
 * Writing leaves out zero parts, so {@code 10m00s} is written back as {@code 10m}.
 */
final class DurationText {
  private static final Pattern WHOLE = Pattern.compile(
      "(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+(?:\\.\\d{1,3})?)s)?(?:(\\d+)ms)?");

  private DurationText() {}

  /**
   * @param text the duration's text
   * @return the duration, or null if the text is not one
   */
  static Duration parse(String text) {
    Matcher m = WHOLE.matcher(text.trim());
    if (text.isBlank() || !m.matches() || m.group(0).isEmpty()) {
      return null;
    }
    Duration d = Duration.ZERO;
    d = m.group(1) == null ? d : d.plusDays(Long.parseLong(m.group(1)));
    d = m.group(2) == null ? d : d.plusHours(Long.parseLong(m.group(2)));
    d = m.group(3) == null ? d : d.plusMinutes(Long.parseLong(m.group(3)));
    if (m.group(4) != null) {
      d = d.plusMillis(new BigDecimal(m.group(4)).movePointRight(3).longValueExact());
    }
    if (m.group(5) != null) {
      if (m.group(4) != null && m.group(4).contains(".")) {
        return null; // 2.5s30ms says the milliseconds twice
      }
      d = d.plusMillis(Long.parseLong(m.group(5)));
    }
    return d;
  }

  /**
   * @param d a duration of whole milliseconds, not negative
   * @return its shortest text: {@code 0s}, {@code 250ms}, {@code 2.5s}, {@code 1h30m}
   */
  static String text(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    append(out, days, "d");
    append(out, d.toHoursPart(), "h");
    append(out, d.toMinutesPart(), "m");
    int seconds = d.toSecondsPart();
    int millis = d.toMillisPart();
    if (millis != 0 && seconds != 0) {
      out.append(BigDecimal.valueOf(seconds * 1000L + millis).movePointLeft(3)
          .stripTrailingZeros().toPlainString()).append('s');
    } else {
      append(out, seconds, "s");
      append(out, millis, "ms");
    }
    return out.toString();
  }

  private static void append(StringBuilder out, long value, String unit) {
    if (value != 0) {
      out.append(value).append(unit);
    }
  }
}
