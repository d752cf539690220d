package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Evidence floors and effect sizes of one metric comparison. */
class MetricComparisonTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();
  static final String QUERY = "latency_p99{revision=\"{revision}\"}";
  static final long SEED = 42;

  /** 60 log-normal latencies around 100 ms, from a fixed seed. */
  static List<Double> baseline() {
    return logNormal(new Random(SEED), 60);
  }

  static List<Double> logNormal(Random random, int n) {
    return IntStream.range(0, n).mapToObj(i -> 100 * Math.exp(0.1 * random.nextGaussian()))
        .toList();
  }

  static List<Double> scaled(List<Double> values, DoubleUnaryOperator f) {
    return values.stream().map(f::applyAsDouble).toList();
  }

  /** A source answering the canary's and the baseline's queries with fixed samples. */
  static MetricSource source(List<Double> canary, List<Double> baseline) {
    return q -> q.expression().contains(V2.id()) ? canary : baseline;
  }

  static GateContext context() {
    return new GateContext(new Fleet(Fixtures.FLEET, 0, List.of(), Map.of()), V2,
        Optional.of(V1), Instant.parse("2026-01-01T00:00:00Z"));
  }

  static MetricComparison.Builder p99(MetricSource source) {
    return MetricComparison.builder(source, QUERY).metric("p99");
  }

  @Test
  void belowTheSampleFloorIsInsufficientDataNamingTheShortfall() {
    List<Double> base = baseline();
    Measurement m = p99(source(base.subList(0, 12), base)).build().measure(context());

    assertThat(m.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    assertThat(m.detail()).contains("p99: too little evidence: canary has 12 of 50 samples")
        .doesNotContain("baseline has");
    assertThat(m.metrics()).singleElement().satisfies(r -> {
      assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
      assertThat(r.canarySamples()).isEqualTo(12);
      assertThat(r.baselineSamples()).isEqualTo(60);
      assertThat(r.effect()).isEmpty();
    });
  }

  @Test
  void belowTheRequestFloorIsInsufficientDataWhereTheSourceCanSayIt() {
    List<Double> base = baseline();
    MetricSource counting = new MetricSource() {
      @Override
      public List<Double> samples(MetricQuery q) {
        return base;
      }

      @Override
      public OptionalLong requests(MetricQuery q) {
        return OptionalLong.of(q.expression().contains(V2.id()) ? 120 : 900);
      }
    };

    Measurement counted = p99(counting).minRequests(500).build().measure(context());
    Measurement unknown = p99(source(base, base)).minRequests(500).build().measure(context());

    assertThat(counted.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    assertThat(counted.detail()).contains("canary has 120 of 500 requests")
        .doesNotContain("baseline has");
    assertThat(counted.metrics().get(0).canaryRequests()).contains(120L);
    assertThat(unknown.verdict()).as("a source that cannot count: the sample floor only")
        .isEqualTo(Verdict.PASS);
    assertThat(unknown.metrics().get(0).canaryRequests()).isEmpty();
  }

  @Test
  void aWindowTooShortForTheFloorSaysSo() {
    Measurement m = p99(q -> List.of(1.0, 2.0, 3.0)).window(Duration.ofMinutes(5))
        .step(Duration.ofSeconds(15)).build().measure(context());

    assertThat(m.detail()).contains("canary has 3 of 50 samples, baseline has 3 of 50 samples")
        .contains("holds 21 samples of one series");
  }

  @Test
  void aRegressionBeyondTheToleranceFailsWithTheEffectEstimateInTheReason() {
    List<Double> base = baseline();
    MetricComparison gate = p99(source(scaled(base, v -> v * 1.10), base)).tolerance(0.05)
        .build();

    Measurement m = gate.measure(context());

    assertThat(m.verdict()).isEqualTo(Verdict.FAIL);
    MetricResult r = m.metrics().get(0);
    assertThat(r.effect()).hasValueSatisfying(e -> {
      assertThat(e.relative().getAsDouble()).isBetween(0.08, 0.12);
      assertThat(e.pValue()).isLessThan(0.05);
      assertThat(e.low()).isPositive();
      assertThat(m.detail()).contains("p99: canary worse beyond the tolerated +5.0%")
          .contains(e.describe());
    });
    assertThat(m.detail()).containsPattern("shift=\\+\\d+\\.\\d+ \\(\\+(8|9|10|11)\\.\\d%\\)");
  }

  /** 60 steady latencies: 100 ms, spread 1 %, so that a 3 % shift is significant. */
  static List<Double> steady() {
    return scaled(baseline(), v -> 100 + (v - 100) / 10);
  }

  @Test
  void aSignificantChangeWithinTheTolerancePasses() {
    List<Double> base = steady();
    Measurement m = p99(source(scaled(base, v -> v * 1.03), base)).tolerance(0.05)
        .build().measure(context());

    assertThat(m.verdict()).as(m.detail()).isEqualTo(Verdict.PASS);
    assertThat(m.detail()).contains("within the tolerated +5.0%");
    assertThat(m.metrics().get(0).effect().get().pValue()).isLessThan(0.05);
  }

  @Test
  void anImprovementPassesUnlessADecreaseIsTheRegression() {
    List<Double> base = baseline();
    MetricSource faster = source(scaled(base, v -> v * 0.8), base);

    Measurement increaseBad = p99(faster).build().measure(context());
    Measurement decreaseBad = p99(faster).direction(Direction.DECREASE_IS_BAD).build()
        .measure(context());
    Measurement eitherBad = p99(faster).direction(Direction.EITHER_IS_BAD).build()
        .measure(context());

    assertThat(increaseBad.verdict()).isEqualTo(Verdict.PASS);
    assertThat(increaseBad.detail()).contains("no significant regression");
    assertThat(increaseBad.metrics().get(0).effect().get().relative().getAsDouble())
        .isBetween(-0.25, -0.15);
    assertThat(decreaseBad.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(decreaseBad.detail()).contains("beyond the tolerated -5.0%");
    assertThat(eitherBad.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(eitherBad.detail()).contains("beyond the tolerated ±5.0%");
  }

  @Test
  void equalDistributionsPass() {
    List<Double> base = baseline();
    List<Double> other = logNormal(new Random(SEED + 1), 60);

    Measurement m = p99(source(other, base)).build().measure(context());

    assertThat(m.verdict()).as(m.detail()).isEqualTo(Verdict.PASS);
  }

  @Test
  void theEarlierConstructorToleratesNothing() {
    List<Double> base = steady();
    MetricComparison strict = new MetricComparison(source(scaled(base, v -> v * 1.03),
        base), QUERY, Duration.ofMinutes(5), Duration.ofSeconds(15), true, 0.05, 8);

    assertThat(strict.tolerance()).isZero();
    assertThat(strict.measure(context()).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(strict.toBuilder().tolerance(0.05).build().measure(context()).verdict())
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void noBaselineIsInsufficientData() {
    GateContext alone = new GateContext(new Fleet(Fixtures.FLEET, 0, List.of(), Map.of()), V2,
        Optional.empty(), Instant.EPOCH);

    Measurement m = p99(q -> baseline()).build().measure(alone);

    assertThat(m.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    assertThat(m.detail()).contains("no baseline");
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    MetricSource any = q -> List.of();
    assertThatThrownBy(() -> p99(any).tolerance(-0.1).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("tolerance");
    assertThatThrownBy(() -> p99(any).minRequests(-1).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("minRequests");
    assertThatThrownBy(() -> p99(any).weight(0).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("weight");
    assertThatThrownBy(() -> p99(any).minSamples(2).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("minSamples");
    assertThatThrownBy(() -> p99(any).direction(null).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("direction");
  }
}
