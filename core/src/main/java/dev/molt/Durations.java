package dev.molt;

import java.time.Duration;
import java.util.Locale;

/**
 * The one duration format of every human-readable text Molt writes (reasons, events, summaries,
 * plans): {@code 0s}, {@code 250ms}, {@code 45s}, {@code 2.5s}, {@code 10m00s}, {@code 1h02m03s},
 * {@code 90d00h00m}. Programs that read durations should use the typed fields, not the text.
 */
public final class Durations {
  private Durations() {}

  /**
   * @param d a duration
   * @return it in Molt's readable format
   */
  public static String text(Duration d) {
    Arguments.required(d, "duration");
    if (d.isNegative()) {
      return "-" + text(d.negated());
    }
    long s = d.toSeconds();
    int millis = d.toMillisPart();
    if (s == 0) {
      return d.isZero() ? "0s" : d.toMillis() + "ms";
    }
    if (s < 60) {
      return millis == 0 ? s + "s"
          : String.format(Locale.ROOT, "%d.%03d", s, millis).replaceAll("0+$", "") + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh%02dm", s / 86_400, s / 3600 % 24, s / 60 % 60);
  }
}
