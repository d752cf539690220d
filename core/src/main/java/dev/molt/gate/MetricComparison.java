package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Compares a metric of the canary with the same metric of the baseline over the last {@code
 * window}, with a one-sided {@link MannWhitneyTest}: it fails when the canary is worse with
 * p &lt; {@code alpha}, and passes otherwise. {@code query} is a template in which {@code
 * {revision}} is replaced by the revision id, for example {@code
 * latency_seconds{revision="{revision}"}}. NaN samples are discarded; fewer than {@code minSamples}
 * left on either side (or no baseline) is {@link Verdict#INSUFFICIENT_DATA}, never a pass.
 *
 * @param source where samples come from
 * @param query the query template
 * @param window how far back to look from the measurement's time
 * @param step the sample resolution
 * @param higherIsWorse true for latencies and error rates, false for throughput or success rates
 * @param alpha the significance level, in (0, 0.5] (default 0.05)
 * @param minSamples the fewest usable samples per side, at least 3 (default 8)
 */
public record MetricComparison(MetricSource source, String query, Duration window, Duration step,
    boolean higherIsWorse, double alpha, int minSamples) implements Gate {

  /** Validates the fields. */
  public MetricComparison {
    Checks.required(source, "source");
    Checks.notBlank(query, "query");
    if (!query.contains("{revision}")) {
      throw new InvalidSpecException("query", "must contain {revision}, to tell canary and"
          + " baseline apart: '" + query + "'");
    }
    Checks.positive(window, "window");
    Checks.positive(step, "step");
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new InvalidSpecException("alpha", "must be in (0, 0.5], was " + alpha);
    }
    if (minSamples < 3) {
      throw new InvalidSpecException("minSamples", "must be >= 3, was " + minSamples);
    }
  }

  /** @return a comparison where higher values are worse, alpha 0.05, at least 8 samples a side */
  public static MetricComparison higherIsWorse(MetricSource source, String query, Duration window,
      Duration step) {
    return new MetricComparison(source, query, window, step, true, 0.05, 8);
  }

  @Override
  public String name() {
    return "metric-comparison";
  }

  @Override
  public Measurement measure(GateContext context) {
    if (context.baseline().isEmpty()) {
      return Measurement.insufficientData("no baseline revision to compare with");
    }
    List<Double> canary = usable(fetch(context.canary(), context.now()));
    List<Double> baseline = usable(fetch(context.baseline().get(), context.now()));
    String counts = "samples canary=" + canary.size() + " baseline=" + baseline.size();
    if (canary.size() < minSamples || baseline.size() < minSamples) {
      return Measurement.insufficientData(counts + " min=" + minSamples);
    }
    MannWhitneyTest test = higherIsWorse
        ? MannWhitneyTest.of(canary, baseline) : MannWhitneyTest.of(baseline, canary);
    String detail = String.format(java.util.Locale.ROOT, "%s u=%.1f z=%.3f p=%.4f alpha=%s",
        counts, test.u1(), test.z(), test.pGreater(), alpha);
    return test.pGreater() < alpha ? Measurement.fail("canary worse: " + detail)
        : Measurement.pass(detail);
  }

  private List<Double> fetch(Revision revision, Instant now) {
    String expression = query.replace("{revision}", revision.id());
    return source.samples(new MetricQuery(expression, now.minus(window), now, step));
  }

  private static List<Double> usable(List<Double> values) {
    return values.stream().filter(v -> v != null && !v.isNaN() && !v.isInfinite()).toList();
  }
}
