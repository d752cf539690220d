package dev.molt.gate;

import static dev.molt.gate.MetricComparisonTest.baseline;
import static dev.molt.gate.MetricComparisonTest.context;
import static dev.molt.gate.MetricComparisonTest.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several metrics into one score: critical metrics, thresholds, per-metric results. */
class CanaryScoreTest {
  private static final List<Double> BASE = baseline();
  private static final List<Double> WORSE = scaled(BASE, v -> v * 1.2);

  /** A comparison of metric {@code name} whose canary is {@code canary}. */
  private static MetricComparison metric(String name, List<Double> canary, boolean critical) {
    return MetricComparison.builder(MetricComparisonTest.source(canary, BASE),
        name + "{revision=\"{revision}\"}").metric(name).critical(critical).build();
  }

  @Test
  void aCriticalMetricThatFailsFailsTheWholeAnalysisWhateverTheScore() {
    CanaryScore score = CanaryScore.of(metric("p99", WORSE, true), metric("p50", BASE, false),
        metric("errors", BASE, false), metric("cpu", BASE, false)).withThresholds(10, 20);

    Measurement m = score.measure(context());
    AnalysisResult result = new AnalysisResult(Analysis.of(score).judge(List.of(m)).orElseThrow(),
        List.of(m));

    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(m.detail()).startsWith("critical metric p99 failed: p99: canary worse");
    assertThat(result.metricResults()).extracting(MetricResult::brief)
        .containsExactly("p99=FAIL", "p50=PASS", "errors=PASS", "cpu=PASS");
    assertThat(result.metricResults().get(0).effect()).isPresent();
  }

  @Test
  void theScoreDecidesPassMarginalAndFail() {
    MetricComparison bad = metric("p99", WORSE, false);
    MetricComparison good = metric("p50", BASE, false);
    MetricComparison heavy = good.toBuilder().metric("errors").weight(3).build();

    Measurement pass = CanaryScore.of(bad, good, heavy).withThresholds(50, 80).measure(context());
    Measurement marginal = CanaryScore.of(bad, good).withThresholds(50, 80).measure(context());
    Measurement fail = CanaryScore.of(bad, good).withThresholds(60, 80).measure(context());

    assertThat(pass.verdict()).isEqualTo(Verdict.PASS);
    assertThat(pass.detail()).startsWith("score=80.0 pass=80 marginal=50 p99=FAIL p50=PASS"
        + " errors=PASS: ");
    assertThat(marginal.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(marginal.detail()).startsWith("score=50.0");
    assertThat(fail.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void aMetricBelowItsFloorMakesTheScoreInsufficientNamingIt() {
    CanaryScore score = CanaryScore.of(metric("p99", BASE, true),
        metric("errors", BASE.subList(0, 20), false));

    Measurement m = score.measure(context());

    assertThat(m.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    assertThat(m.detail()).isEqualTo("errors: too little evidence: canary has 20 of 50 samples");
    assertThat(m.metrics()).hasSize(2);
  }

  @Test
  void aFailingSourceIsAnErrorOfItsMetric() {
    MetricComparison broken = MetricComparison.builder(q -> {
      throw new IllegalStateException("prometheus down");
    }, "x{revision=\"{revision}\"}").metric("x").build();

    Measurement m = CanaryScore.of(metric("p99", BASE, false), broken).measure(context());

    assertThat(m.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(m.detail()).contains("x: the source failed").contains("prometheus down");
  }

  @Test
  void repeatedNamesAndBadThresholdsAreRefused() {
    MetricComparison p99 = metric("p99", BASE, false);
    assertThatThrownBy(() -> CanaryScore.of(p99, p99)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("metrics").hasMessageContaining("twice");
    assertThatThrownBy(() -> CanaryScore.of(p99).withThresholds(90, 80))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("marginal");
    assertThatThrownBy(() -> CanaryScore.of()).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("metrics");
  }
}
