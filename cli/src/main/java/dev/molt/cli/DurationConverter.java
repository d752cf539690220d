package dev.molt.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an option's duration as rollout files write one: {@code 250ms}, {@code 2s}, {@code 10m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern ONE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    Matcher m = ONE.matcher(text.strip());
    if (!m.matches()) {
      throw new TypeConversionException("'" + text + "' is not a duration: write a whole number"
          + " and a unit, such as 250ms, 2s, 10m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw new TypeConversionException("'" + text + "' must be more than zero");
    }
    return d;
  }
}
