package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.Arguments;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Compares one metric of the canary with the same metric of the baseline over the last {@code
 * window}, and passes or fails on the size of the effect, not only on a p-value.
 *
 * <ol>
 *   <li><b>Evidence floor.</b> NaN and infinite samples are discarded. Fewer than {@code
 *       minSamples} usable samples on either side, or (where the {@link MetricSource} can say it,
 *       {@link MetricSource#requests}) fewer than {@code minRequests} requests on either side, or
 *       no baseline, is {@link Verdict#INSUFFICIENT_DATA}, naming the shortfall ("canary has 12 of
 *       50 samples"). Never a pass. {@link Analysis#extendOnInsufficient} measures again, later,
 *       instead of stopping there.
 *   <li><b>Effect.</b> The Hodges–Lehmann shift (canary − baseline) with its confidence interval,
 *       two-sided at {@code 1 - 2 alpha} (at {@code 1 - alpha} for {@link
 *       Direction#EITHER_IS_BAD}), and the Mann–Whitney p-value in the bad direction, exact for
 *       small samples without ties (see {@link Effect}).
 *   <li><b>Verdict.</b> {@code FAIL} when the canary is worse with p &lt; {@code alpha} <em>and</em>
 *       the estimated shift is beyond {@code tolerance × |baseline median|} in the bad direction;
 *       otherwise {@code PASS}, including an improvement and a significant change within tolerance.
 * </ol>
 *
 * <p>{@code query} is a template in which {@code {revision}} is replaced by the revision id, for
 * example {@code latency_seconds{revision="{revision}"}}. The window should hold at least {@code
 * minSamples} steps. The default floor, {@value #DEFAULT_MIN_SAMPLES} samples a side, is the one
 * the benchmarks' {@code judge} suite measured to detect a 10 % latency regression with power
 * ≥ 0.9 and to fail an equal canary at most 5 % of the time (see docs/strategies.md). Immutable
 * and thread-safe if the source is.
 *
 * <pre>{@code
 * MetricComparison p99 = MetricComparison.builder(prometheus, "latency_p99{revision=\"{revision}\"}")
 *     .metric("p99").tolerance(0.05).critical(true).build();   // fail if > 5 % slower
 * }</pre>
 *
 * @param metric the metric's name in results and reasons (default: the query template)
 * @param source where samples come from
 * @param query the query template
 * @param window how far back to look from the measurement's time (default 10 min)
 * @param step the sample resolution (default 10 s)
 * @param direction which change is a regression (default {@link Direction#INCREASE_IS_BAD})
 * @param tolerance the tolerated shift in the bad direction, as a fraction of the baseline's median
 *     (default 0.05: up to 5 % worse passes)
 * @param alpha the significance level, in (0, 0.5] (default 0.05)
 * @param minSamples the fewest usable samples per side, at least 3 (default {@value
 *     #DEFAULT_MIN_SAMPLES})
 * @param minRequests the fewest requests per side over the window, applied where the source can
 *     say it (default 0: none)
 * @param critical whether a failure of this metric fails a whole {@link CanaryScore} (default false)
 * @param weight the metric's weight in a {@link CanaryScore}, above 0 (default 1)
 */
public record MetricComparison(String metric, MetricSource source, String query, Duration window,
    Duration step, Direction direction, double tolerance, double alpha, int minSamples,
    long minRequests, boolean critical, double weight) implements Gate {

  /** The default evidence floor in usable samples per side, measured by the {@code judge} suite. */
  public static final int DEFAULT_MIN_SAMPLES = 50;

  /** The default tolerated shift: 5 % of the baseline's median. */
  public static final double DEFAULT_TOLERANCE = 0.05;

  /** The default significance level. */
  public static final double DEFAULT_ALPHA = 0.05;

  /** Validates the fields. */
  public MetricComparison {
    Arguments.notBlank(metric, "metric");
    Arguments.required(source, "source");
    Arguments.notBlank(query, "query");
    if (!query.contains("{revision}")) {
      throw new InvalidSpecException("query", "must contain {revision}, to tell canary and"
          + " baseline apart: '" + query + "'");
    }
    Arguments.positive(window, "window");
    Arguments.positive(step, "step");
    Arguments.required(direction, "direction");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new InvalidSpecException("tolerance", "must be a finite fraction >= 0 (0.05 is 5 %),"
          + " was " + tolerance);
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new InvalidSpecException("alpha", "must be in (0, 0.5], was " + alpha);
    }
    if (minSamples < 3) {
      throw new InvalidSpecException("minSamples", "must be >= 3, was " + minSamples);
    }
    if (minRequests < 0) {
      throw new InvalidSpecException("minRequests", "must be >= 0, was " + minRequests);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new InvalidSpecException("weight", "must be a finite number above 0, was " + weight);
    }
  }

  /**
   * The comparison of earlier versions: fails on any significant change in the bad direction (no
   * tolerance), no request floor, not critical, weight 1, named by its query.
   *
   * @param source where samples come from
   * @param query the query template
   * @param window how far back to look
   * @param step the sample resolution
   * @param higherIsWorse true for latencies and error rates, false for throughput or success rates
   * @param alpha the significance level, in (0, 0.5]
   * @param minSamples the fewest usable samples per side, at least 3
   * @throws InvalidSpecException naming the field that is wrong
   */
  public MetricComparison(MetricSource source, String query, Duration window, Duration step,
      boolean higherIsWorse, double alpha, int minSamples) {
    this(query, source, query, window, step, higherIsWorse ? Direction.INCREASE_IS_BAD
        : Direction.DECREASE_IS_BAD, 0.0, alpha, minSamples, 0, false, 1.0);
  }

  /**
   * @return a comparison where higher values are worse, with every default but the window and
   *     step: 5 % tolerance, alpha 0.05, at least {@value #DEFAULT_MIN_SAMPLES} samples a side
   */
  public static MetricComparison higherIsWorse(MetricSource source, String query, Duration window,
      Duration step) {
    return builder(source, query).window(window).step(step).build();
  }

  /**
   * @param source where samples come from
   * @param query the query template, with {@code {revision}}
   * @return a builder with the defaults
   */
  public static Builder builder(MetricSource source, String query) {
    return new Builder(source, query);
  }

  /** @return a builder holding this comparison's values */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String name() {
    return "metric-comparison";
  }

  @Override
  public Measurement measure(GateContext context) {
    MetricResult r = evaluate(context);
    return new Measurement(r.verdict(), r.reason(), List.of(r));
  }

  /**
   * Judges samples already fetched: the floor on sample counts, then the effect. NaN and infinite
   * values are discarded first; request counts are unknown here.
   *
   * @param canary the canary's samples
   * @param baseline the baseline's samples
   * @return the metric's result
   */
  public MetricResult judge(List<Double> canary, List<Double> baseline) {
    return judge(usable(canary), usable(baseline), OptionalLong.empty(), OptionalLong.empty());
  }

  /** Fetches and judges; lets the source's exceptions through. */
  MetricResult evaluate(GateContext context) {
    if (context.baseline().isEmpty()) {
      return result(Verdict.INSUFFICIENT_DATA, 0, 0, OptionalLong.empty(), OptionalLong.empty(),
          Optional.empty(), metric + ": no baseline revision to compare with");
    }
    MetricQuery c = query(context.canary(), context.now());
    MetricQuery b = query(context.baseline().get(), context.now());
    return judge(usable(source.samples(c)), usable(source.samples(b)), source.requests(c),
        source.requests(b));
  }

  private MetricResult judge(List<Double> canary, List<Double> baseline,
      OptionalLong canaryRequests, OptionalLong baselineRequests) {
    List<String> missing = new ArrayList<>();
    shortfall(missing, "canary", canary.size(), minSamples, "samples");
    shortfall(missing, "baseline", baseline.size(), minSamples, "samples");
    canaryRequests.ifPresent(n -> shortfall(missing, "canary", n, minRequests, "requests"));
    baselineRequests.ifPresent(n -> shortfall(missing, "baseline", n, minRequests, "requests"));
    if (!missing.isEmpty()) {
      return result(Verdict.INSUFFICIENT_DATA, canary.size(), baseline.size(), canaryRequests,
          baselineRequests, Optional.empty(), metric + ": too little evidence: "
          + String.join(", ", missing) + hint(canary.size(), baseline.size()));
    }
    double[] x = MannWhitney.values(canary, "canary");
    double[] y = MannWhitney.values(baseline, "baseline");
    MannWhitney test = MannWhitney.of(x, y, false);
    double p = switch (direction) {
      case INCREASE_IS_BAD -> test.pGreater();
      case DECREASE_IS_BAD -> test.pLess();
      case EITHER_IS_BAD -> test.pTwoSided();
    };
    double confidence = direction == Direction.EITHER_IS_BAD ? 1 - alpha : 1 - 2 * alpha;
    Effect effect = HodgesLehmann.estimate(x, y, test, confidence, p);
    double allowed = tolerance * Math.abs(effect.baselineMedian());
    boolean beyond = switch (direction) {
      case INCREASE_IS_BAD -> effect.shift() > allowed;
      case DECREASE_IS_BAD -> effect.shift() < -allowed;
      case EITHER_IS_BAD -> Math.abs(effect.shift()) > allowed;
    };
    boolean significant = p < alpha;
    String tolerated = String.format(Locale.ROOT, "%s%.1f%%", switch (direction) {
      case INCREASE_IS_BAD -> "+";
      case DECREASE_IS_BAD -> "-";
      case EITHER_IS_BAD -> "±";
    }, tolerance * 100);
    String evidence = effect.describe() + " alpha=" + alpha + " samples canary=" + canary.size()
        + " baseline=" + baseline.size();
    String why = significant && beyond ? "canary worse beyond the tolerated " + tolerated
        : significant ? "canary within the tolerated " + tolerated
        : "no significant regression (tolerated " + tolerated + ")";
    return result(significant && beyond ? Verdict.FAIL : Verdict.PASS, canary.size(),
        baseline.size(), canaryRequests, baselineRequests, Optional.of(effect),
        metric + ": " + why + ": " + evidence);
  }

  private MetricResult result(Verdict verdict, int canary, int baseline, OptionalLong cr,
      OptionalLong br, Optional<Effect> effect, String reason) {
    return new MetricResult(metric, verdict, critical, weight, canary, baseline, boxed(cr),
        boxed(br), tolerance, effect, reason);
  }

  private static void shortfall(List<String> missing, String side, long have, long floor,
      String what) {
    if (have < floor) {
      missing.add(side + " has " + have + " of " + floor + " " + what);
    }
  }

  /** Why the floor may be out of reach: the window holds too few steps for one series. */
  private String hint(int canary, int baseline) {
    long perSeries = window.toMillis() / Math.max(1, step.toMillis()) + 1;
    if (perSeries >= minSamples || Math.min(canary, baseline) >= minSamples) {
      return "";
    }
    return " (a window of " + dev.molt.Durations.text(window) + " at step "
        + dev.molt.Durations.text(step) + " holds " + perSeries
        + " samples of one series: widen the window, or extend the analysis)";
  }

  private MetricQuery query(Revision revision, Instant now) {
    return new MetricQuery(query.replace("{revision}", revision.id()), now.minus(window), now,
        step);
  }

  private static List<Double> usable(List<Double> values) {
    return values.stream().filter(v -> v != null && !v.isNaN() && !v.isInfinite()).toList();
  }

  private static Optional<Long> boxed(OptionalLong value) {
    return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
  }

  /**
   * Builds a {@link MetricComparison}; every setter has the default named on the record. Not
   * thread-safe; {@link #build()} validates.
   */
  public static final class Builder {
    private String metric;
    private MetricSource source;
    private String query;
    private Duration window = Duration.ofMinutes(10);
    private Duration step = Duration.ofSeconds(10);
    private Direction direction = Direction.INCREASE_IS_BAD;
    private double tolerance = DEFAULT_TOLERANCE;
    private double alpha = DEFAULT_ALPHA;
    private int minSamples = DEFAULT_MIN_SAMPLES;
    private long minRequests;
    private boolean critical;
    private double weight = 1.0;

    private Builder(MetricSource source, String query) {
      this.source = source;
      this.query = query;
      this.metric = query;
    }

    private Builder(MetricComparison c) {
      this(c.source, c.query);
      metric = c.metric;
      window = c.window;
      step = c.step;
      direction = c.direction;
      tolerance = c.tolerance;
      alpha = c.alpha;
      minSamples = c.minSamples;
      minRequests = c.minRequests;
      critical = c.critical;
      weight = c.weight;
    }

    /** @return this, naming the metric in results (default: the query template) */
    public Builder metric(String name) {
      this.metric = name;
      return this;
    }

    /** @return this, with another source */
    public Builder source(MetricSource source) {
      this.source = source;
      return this;
    }

    /** @return this, with another query template */
    public Builder query(String query) {
      this.query = query;
      return this;
    }

    /** @return this, looking back {@code window} from each measurement (default 10 min) */
    public Builder window(Duration window) {
      this.window = window;
      return this;
    }

    /** @return this, with one sample per {@code step} (default 10 s) */
    public Builder step(Duration step) {
      this.step = step;
      return this;
    }

    /** @return this, with {@code direction} as the regression (default increase is bad) */
    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    /** @return this, tolerating a shift of {@code fraction} of the baseline's median (0.05) */
    public Builder tolerance(double fraction) {
      this.tolerance = fraction;
      return this;
    }

    /** @return this, at significance level {@code alpha} (default 0.05) */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** @return this, needing {@code samples} usable samples a side (default 50) */
    public Builder minSamples(int samples) {
      this.minSamples = samples;
      return this;
    }

    /** @return this, needing {@code requests} a side where the source can say (default 0) */
    public Builder minRequests(long requests) {
      this.minRequests = requests;
      return this;
    }

    /** @return this, with a failure of this metric failing a whole score (default false) */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /** @return this, with {@code weight} in a score (default 1) */
    public Builder weight(double weight) {
      this.weight = weight;
      return this;
    }

    /**
     * @return the comparison
     * @throws InvalidSpecException naming the field that is wrong
     */
    public MetricComparison build() {
      return new MetricComparison(metric, source, query, window, step, direction, tolerance,
          alpha, minSamples, minRequests, critical, weight);
    }
  }
}
