package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Several {@link MetricComparison}s judged together into one score, in Kayenta's shape. Each
 * metric is judged on its own (its floor, its effect and tolerance, its direction); then, in this
 * order:
 *
 * <ol>
 *   <li>a {@linkplain MetricComparison#critical() critical} metric that fails is {@code FAIL},
 *       whatever the score;
 *   <li>a metric whose source failed is {@code ERROR};
 *   <li>a metric below its evidence floor is {@code INSUFFICIENT_DATA}, naming every shortfall;
 *   <li>otherwise the score, {@code 100 × (weight of passing metrics) / (weight of all)}: {@code
 *       PASS} at {@code pass} or above, {@code INCONCLUSIVE} (marginal) at {@code marginal} or
 *       above, {@code FAIL} below.
 * </ol>
 *
 * Every metric's {@link MetricResult} is kept in the {@link Measurement}. Immutable; thread-safe
 * if the sources are.
 *
 * <pre>{@code
 * Gate judge = CanaryScore.of(
 *     MetricComparison.builder(prometheus, "p99{revision=\"{revision}\"}").metric("p99")
 *         .critical(true).build(),
 *     MetricComparison.builder(prometheus, "errors{revision=\"{revision}\"}").metric("errors")
 *         .tolerance(0.10).build());
 * }</pre>
 *
 * @param metrics the comparisons, at least one, their metric names distinct
 * @param marginal the lowest score that is {@code INCONCLUSIVE} rather than {@code FAIL}, in
 *     [0, pass] (default 75)
 * @param pass the lowest score that passes, in [marginal, 100] (default 95)
 */
public record CanaryScore(List<MetricComparison> metrics, double marginal, double pass)
    implements Gate {

  /** The default marginal threshold. */
  public static final double DEFAULT_MARGINAL = 75;

  /** The default pass threshold. */
  public static final double DEFAULT_PASS = 95;

  /** Validates and copies the fields. */
  public CanaryScore {
    metrics = Arguments.copyOf(metrics, "metrics");
    if (metrics.isEmpty()) {
      throw new InvalidSpecException("metrics", "needs at least one metric comparison");
    }
    Set<String> names = new HashSet<>();
    for (MetricComparison m : metrics) {
      if (!names.add(m.metric())) {
        throw new InvalidSpecException("metrics", "names metric '" + m.metric() + "' twice;"
            + " give each comparison its own name with metric(...)");
      }
    }
    if (!(marginal >= 0 && marginal <= pass && pass <= 100)) {
      throw new InvalidSpecException("marginal", "needs 0 <= marginal <= pass <= 100, was"
          + " marginal=" + marginal + " pass=" + pass);
    }
  }

  /**
   * @param metrics the comparisons, their metric names distinct
   * @return a score with the default thresholds, marginal 75 and pass 95
   * @throws InvalidSpecException if there is no metric, or a name repeats
   */
  public static CanaryScore of(MetricComparison... metrics) {
    return new CanaryScore(List.of(metrics), DEFAULT_MARGINAL, DEFAULT_PASS);
  }

  /** @return a copy with other thresholds */
  public CanaryScore withThresholds(double marginal, double pass) {
    return new CanaryScore(metrics, marginal, pass);
  }

  @Override
  public String name() {
    return "canary-score";
  }

  @Override
  public Measurement measure(GateContext context) {
    List<MetricResult> results = new ArrayList<>();
    for (MetricComparison m : metrics) {
      results.add(measureOne(m, context));
    }
    return score(results);
  }

  /** Combines per-metric results into one measurement, by the rules above. */
  Measurement score(List<MetricResult> results) {
    Optional<MetricResult> critical = results.stream()
        .filter(r -> r.critical() && r.verdict() == Verdict.FAIL).findFirst();
    String all = String.join("; ", results.stream().map(MetricResult::reason).toList());
    if (critical.isPresent()) {
      return new Measurement(Verdict.FAIL, "critical metric " + critical.get().metric()
          + " failed: " + all, results);
    }
    for (Verdict v : List.of(Verdict.ERROR, Verdict.INSUFFICIENT_DATA)) {
      List<String> which = results.stream().filter(r -> r.verdict() == v)
          .map(MetricResult::reason).toList();
      if (!which.isEmpty()) {
        return new Measurement(v, String.join("; ", which), results);
      }
    }
    double total = 0;
    double passed = 0;
    for (MetricResult r : results) {
      total += r.weight();
      passed += r.verdict() == Verdict.PASS ? r.weight() : 0;
    }
    double score = 100 * passed / total;
    Verdict verdict = score >= pass ? Verdict.PASS
        : score >= marginal ? Verdict.INCONCLUSIVE : Verdict.FAIL;
    String head = String.format(Locale.ROOT, "score=%.1f pass=%.0f marginal=%.0f %s: ", score,
        pass, marginal, String.join(" ", results.stream().map(MetricResult::brief).toList()));
    return new Measurement(verdict, head + all, results);
  }

  private static MetricResult measureOne(MetricComparison m, GateContext context) {
    try {
      return m.evaluate(context);
    } catch (RuntimeException e) {
      return new MetricResult(m.metric(), Verdict.ERROR, m.critical(), m.weight(), 0, 0,
          Optional.empty(), Optional.empty(), m.tolerance(), Optional.empty(),
          m.metric() + ": the source failed: " + e);
    }
  }
}
