package dev.molt.gate;

import dev.molt.InvalidSpecException;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * How far a canary's metric is from the baseline's: the Hodges–Lehmann shift estimate (the median
 * of every difference canary − baseline between one canary sample and one baseline sample) with
 * its distribution-free confidence interval, and the Mann–Whitney p-value of the comparison.
 * Relative figures are relative to the baseline's median. Immutable.
 *
 * @param shift the estimated shift, canary − baseline, in the metric's units
 * @param low the interval's lower bound, in the metric's units
 * @param high the interval's upper bound, in the metric's units
 * @param confidence the interval's coverage, in [0, 1]: from the exact distribution it is the
 *     level actually reached (at least the one asked for, unless the samples are too small for it)
 * @param baselineMedian the baseline's median
 * @param pValue the Mann–Whitney p-value in the comparison's direction (two-sided for {@link
 *     Direction#EITHER_IS_BAD}), in [0, 1]
 * @param exact whether the p-value and the interval come from the exact distribution of U (no ties,
 *     at most 50 samples a side) rather than the normal approximation
 */
public record Effect(double shift, double low, double high, double confidence,
    double baselineMedian, double pValue, boolean exact) {

  /** Validates the fields. */
  public Effect {
    finite(shift, "shift");
    finite(low, "low");
    finite(high, "high");
    finite(baselineMedian, "baselineMedian");
    if (!(low <= shift && shift <= high)) {
      throw new InvalidSpecException("low", "the interval " + low + ".." + high
          + " must hold the shift " + shift);
    }
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new InvalidSpecException("confidence", "must be in [0, 1], was " + confidence);
    }
    if (!(pValue >= 0 && pValue <= 1)) {
      throw new InvalidSpecException("pValue", "must be in [0, 1], was " + pValue);
    }
  }

  /** @return the shift as a fraction of the baseline's median; empty when that median is 0 */
  public OptionalDouble relative() {
    return baselineMedian == 0 ? OptionalDouble.empty()
        : OptionalDouble.of(shift / Math.abs(baselineMedian));
  }

  /**
   * @return for example {@code shift=+12.00 (+12.0%) 90% CI +8.000..+16.00 (+8.0%..+16.0%)
   *     p=0.0001 exact}
   */
  public String describe() {
    StringBuilder b = new StringBuilder("shift=").append(number(shift));
    relative().ifPresent(r -> b.append(" (").append(percent(r)).append(')'));
    b.append(String.format(Locale.ROOT, " %.0f%% CI ", confidence * 100)).append(number(low))
        .append("..").append(number(high));
    if (baselineMedian != 0) {
      double m = Math.abs(baselineMedian);
      b.append(" (").append(percent(low / m)).append("..").append(percent(high / m)).append(')');
    }
    return b.append(String.format(Locale.ROOT, " p=%.4g ", pValue))
        .append(exact ? "exact" : "normal-approx").toString();
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%+.4g", v);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
  }

  private static void finite(double v, String field) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new InvalidSpecException(field, "must be a finite number, was " + v);
    }
  }
}
