package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.util.Optional;

/**
 * What one metric concluded in one measurement of a {@link MetricComparison} or a {@link
 * CanaryScore}: its verdict, the evidence it had, and the effect it estimated. Kept in the {@link
 * Measurement} (and so in the {@link AnalysisResult} and the rollout store). Immutable.
 *
 * @param metric the metric's name, as the comparison calls it
 * @param verdict {@code PASS}, {@code FAIL}, {@code INSUFFICIENT_DATA} (below its floor) or {@code
 *     ERROR} (the source failed)
 * @param critical whether a failure of this metric fails a whole {@link CanaryScore}
 * @param weight the metric's weight in a score, more than 0
 * @param canarySamples usable canary samples (NaN and infinities discarded)
 * @param baselineSamples usable baseline samples
 * @param canaryRequests the canary's requests over the window, if the source could say
 * @param baselineRequests the baseline's requests over the window, if the source could say
 * @param tolerance the tolerated shift, as a fraction of the baseline's median
 * @param effect the estimated effect; present whenever the verdict is a pass or a fail
 * @param reason a readable reason with the numbers
 */
public record MetricResult(String metric, Verdict verdict, boolean critical, double weight,
    int canarySamples, int baselineSamples, Optional<Long> canaryRequests,
    Optional<Long> baselineRequests, double tolerance, Optional<Effect> effect, String reason) {

  /** Validates the fields. */
  public MetricResult {
    Arguments.notBlank(metric, "metric");
    Arguments.required(verdict, "verdict");
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new InvalidSpecException("weight", "must be a finite number above 0, was " + weight);
    }
    Arguments.nonNegative(canarySamples, "canarySamples");
    Arguments.nonNegative(baselineSamples, "baselineSamples");
    Arguments.optional(canaryRequests, "canaryRequests");
    Arguments.optional(baselineRequests, "baselineRequests");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new InvalidSpecException("tolerance", "must be a finite number >= 0, was "
          + tolerance);
    }
    Arguments.optional(effect, "effect");
    Arguments.required(reason, "reason");
    if ((verdict == Verdict.PASS || verdict == Verdict.FAIL) && effect.isEmpty()) {
      throw new InvalidSpecException("effect", "is required for a " + verdict + " of metric "
          + metric + ": a verdict needs its evidence");
    }
  }

  /** @return {@code p99=FAIL} */
  public String brief() {
    return metric + "=" + verdict;
  }
}
