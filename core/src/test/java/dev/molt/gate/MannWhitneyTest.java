package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.molt.InvalidSpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Worked examples whose U and p-values were computed independently: by hand for U, with SciPy 1.17
 * {@code mannwhitneyu(x, y, method='asymptotic', use_continuity=True)} and {@code
 * method='exact'} for p, and against the published critical values of U.
 */
class MannWhitneyTest {

  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource(delimiter = '|', value = {
      // x | y | U1 | p(x greater) | p(two-sided)
      "6 7 8 9 10 | 1 2 3 4 5 | 25 | 0.006092890177672406 | 0.012185780355344813",
      "1 2 3 4 5 | 6 7 8 9 10 | 0 | 0.9966923245172357 | 0.012185780355344813",
      "19 22 16 29 24 | 20 11 17 12 | 17 | 0.055673443266570206 | 0.11134688653314041",
      // ties: the variance is tie-corrected
      "1 2 2 3 4 5 5 6 | 3 3 4 6 7 8 8 9 | 13 | 0.9803769874107785 | 0.05047987865939703",
  })
  void theNormalApproximationMatchesSciPy(String x, String y, double u1, double pGreater,
      double pTwo) {
    MannWhitney t = MannWhitney.asymptotic(values(x), values(y));

    assertThat(t.exact()).isFalse();
    assertThat(t.u1()).isEqualTo(u1);
    assertThat(t.u1() + t.u2()).isEqualTo((double) t.n1() * t.n2());
    assertThat(t.pGreater()).isCloseTo(pGreater, within(1e-6));
    assertThat(t.pTwoSided()).isCloseTo(pTwo, within(1e-6));
  }

  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource(delimiter = '|', value = {
      // x | y | U1 | p(x greater) | p(x less) | p(two-sided), SciPy method='exact'
      "6 7 8 9 10 | 1 2 3 4 5 | 25 | 0.003968253968253968 | 1.0 | 0.007936507936507936",
      "19 22 16 29 24 | 20 11 17 12 | 17 | 0.05555555555555555 | 0.9682539682539683"
          + " | 0.1111111111111111",
      "1.1 2.3 0.7 3.9 5.2 4.4 | 0.2 1.9 0.5 2.8 1.4 | 23 | 0.08874458874458874"
          + " | 0.9372294372294372 | 0.17748917748917747",
      "3 1 4 | 1.5 9 2.6 5 | 4 | 0.8 | 0.3142857142857143 | 0.6285714285714286",
  })
  void smallSamplesWithoutTiesUseTheExactDistributionAsSciPy(String x, String y, double u1,
      double pGreater, double pLess, double pTwo) {
    MannWhitney t = MannWhitney.of(values(x), values(y));

    assertThat(t.exact()).isTrue();
    assertThat(t.u1()).isEqualTo(u1);
    assertThat(t.pGreater()).isCloseTo(pGreater, within(1e-12));
    assertThat(t.pLess()).isCloseTo(pLess, within(1e-12));
    assertThat(t.pTwoSided()).isCloseTo(pTwo, within(1e-12));
  }

  @ParameterizedTest(name = "n1={0} n2={1}")
  @CsvSource({
      // n1, n2, critical U one-sided 0.05, two-sided 0.05 (tables of Mann & Whitney; Siegel)
      "5, 5, 4, 2",
      "4, 6, 3, 2",
      "8, 8, 15, 13",
  })
  void theExactDistributionGivesTheTablesCriticalValues(int m, int n, int oneSided,
      int twoSided) {
    double[] p = MannWhitney.distribution(m, n);

    assertThat(critical(p, 0.05)).isEqualTo(oneSided);
    assertThat(critical(p, 0.025)).isEqualTo(twoSided);
  }

  @Test
  void theExactDistributionOfFiveAndFiveCountsTheArrangements() {
    double[] p = MannWhitney.distribution(5, 5);
    long[] counts = Arrays.stream(p).mapToLong(v -> Math.round(v * 252)).toArray();

    assertThat(counts).containsExactly(1, 1, 2, 3, 5, 7, 9, 11, 14, 16, 18, 19, 20, 20, 19, 18,
        16, 14, 11, 9, 7, 5, 3, 2, 1, 1);
    assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void theExactDistributionEqualsEnumeratingEveryArrangement() {
    for (int m = 1; m <= 6; m++) {
      for (int n = 1; n <= 6; n++) {
        double[] p = MannWhitney.distribution(m, n);
        double[] counted = enumerate(m, n);
        for (int u = 0; u < counted.length; u++) {
          assertThat(p[u]).as("m=%d n=%d u=%d", m, n, u).isCloseTo(counted[u], within(1e-12));
        }
      }
    }
  }

  @Test
  void hodgesLehmannIsTheMedianOfThePairwiseDifferencesAndItsIntervalTheirOrderStatistics() {
    long seed = 17;
    Random random = new Random(seed);
    for (int trial = 0; trial < 50; trial++) {
      double[] x = random.doubles(3 + random.nextInt(12)).map(v -> 10 + 3 * v).toArray();
      double[] y = random.doubles(3 + random.nextInt(12)).map(v -> 10 + 2 * v).toArray();
      double[] d = differences(x, y);
      MannWhitney t = MannWhitney.of(x, y, false);

      Effect e = HodgesLehmann.estimate(x, y, t, 0.9, t.pGreater());

      int c = critical(MannWhitney.distribution(x.length, y.length), 0.05) + 1;
      String why = "seed " + seed + " trial " + trial;
      assertThat(e.shift()).as(why).isEqualTo(median(d));
      assertThat(e.low()).as(why).isEqualTo(d[Math.max(1, c) - 1]);
      assertThat(e.high()).as(why).isEqualTo(d[d.length - Math.max(1, c)]);
      assertThat(e.confidence()).as(why).isGreaterThanOrEqualTo(c >= 1 ? 0.9 : 0.0);
    }
  }

  @Test
  void aPureShiftIsEstimatedExactly() {
    double[] y = {10, 12, 15, 11, 19, 13, 17};
    double[] x = Arrays.stream(y).map(v -> v + 3).toArray();

    Effect e = HodgesLehmann.estimate(x, y, MannWhitney.of(x, y, false), 0.9, 0.5);

    assertThat(e.shift()).isEqualTo(3.0);
    assertThat(e.baselineMedian()).isEqualTo(13.0);
    assertThat(e.relative()).hasValueCloseTo(3.0 / 13, within(1e-12));
    assertThat(e.low()).isLessThanOrEqualTo(3.0);
    assertThat(e.high()).isGreaterThanOrEqualTo(3.0);
  }

  @Test
  void identicalSamplesShowNoEvidence() {
    MannWhitney t = MannWhitney.of(List.of(5.0, 5.0, 5.0), List.of(5.0, 5.0));
    assertThat(t.pTwoSided()).isEqualTo(1.0);
    assertThat(t.pGreater()).isEqualTo(1.0);
  }

  @Test
  void refusesNaNAndEmptySamples() {
    assertThatThrownBy(() -> MannWhitney.of(List.of(1.0, Double.NaN), List.of(1.0)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("x[1]");
    assertThatThrownBy(() -> MannWhitney.of(List.of(), List.of(1.0)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("x");
  }

  @Test
  void erfcAndTheNormalQuantileAreAccurate() {
    assertThat(MannWhitney.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(MannWhitney.erfc(1)).isCloseTo(0.15729920705028513, within(1e-7));
    assertThat(MannWhitney.erfc(-1)).isCloseTo(1.8427007929497148, within(1e-7));
    assertThat(MannWhitney.upperTail(1.959963984540054)).isCloseTo(0.025, within(1e-7));
    assertThat(MannWhitney.upperQuantile(0.025)).isCloseTo(1.959963984540054, within(1e-5));
    assertThat(MannWhitney.upperQuantile(0.05)).isCloseTo(1.6448536269514722, within(1e-5));
  }

  /** @return the largest u with P(U &lt;= u) &lt;= level, -1 if there is none */
  private static int critical(double[] p, double level) {
    double sum = 0;
    int u = -1;
    while (u + 1 < p.length && sum + p[u + 1] <= level + 1e-15) {
      sum += p[++u];
    }
    return u;
  }

  /** P(U = u) by counting the rank sets of x among m + n distinct values. */
  private static double[] enumerate(int m, int n) {
    double[] counts = new double[m * n + 1];
    int total = 0;
    for (int mask = 0; mask < 1 << (m + n); mask++) {
      if (Integer.bitCount(mask) != m) {
        continue;
      }
      int u = 0;
      int ysBelow = 0;
      for (int i = 0; i < m + n; i++) {
        if ((mask & 1 << i) != 0) {
          u += ysBelow;
        } else {
          ysBelow++;
        }
      }
      counts[u]++;
      total++;
    }
    for (int u = 0; u < counts.length; u++) {
      counts[u] /= total;
    }
    return counts;
  }

  private static double[] differences(double[] x, double[] y) {
    List<Double> d = new ArrayList<>();
    for (double a : x) {
      for (double b : y) {
        d.add(a - b);
      }
    }
    return d.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static List<Double> values(String text) {
    return Arrays.stream(text.trim().split("\\s+")).map(Double::valueOf).toList();
  }
}
