package dev.molt.gate;

import dev.molt.InvalidSpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Mann–Whitney U statistics of two independent samples: a helper of {@link MetricComparison},
 * not API. Non-parametric: it asks whether values of {@code x} tend to be larger than values of
 * {@code y}, without assuming normal data.
 *
 * <p>The p-values come from the <em>exact</em> distribution of U when there are no ties and both
 * samples have at most {@value #EXACT_LIMIT} values (as R's {@code wilcox.test} and SciPy's
 * {@code method='exact'}). With ties, or larger samples, they come from the normal approximation
 * with a tie-corrected variance and a continuity correction of 0.5 (SciPy's {@code
 * method='asymptotic'}): with ties the exact null distribution depends on the tie pattern, and the
 * approximation is the usual, slightly conservative choice.
 *
 * @param n1 the size of {@code x}
 * @param n2 the size of {@code y}
 * @param u1 U of {@code x}: the number of (x, y) pairs with x &gt; y, ties counting half
 * @param pGreater the one-sided p-value for "x tends to be larger than y"
 * @param pLess the one-sided p-value for "x tends to be smaller than y"
 * @param exact whether the p-values come from the exact distribution
 */
record MannWhitney(int n1, int n2, double u1, double pGreater, double pLess, boolean exact) {

  /** The largest sample size (each side) for which the exact distribution is used. */
  static final int EXACT_LIMIT = 50;

  /** Exact null distributions by (n1, n2), at most about 256 of them. */
  private static final Map<Long, double[]> EXACT = new ConcurrentHashMap<>();

  /**
   * Runs the test: exact when it can be, otherwise the normal approximation.
   *
   * @param x the first sample (for a canary analysis: the canary), no NaN
   * @param y the second sample (the baseline), no NaN
   * @return the statistics
   * @throws InvalidSpecException if a sample is empty or holds NaN
   */
  static MannWhitney of(List<Double> x, List<Double> y) {
    return of(values(x, "x"), values(y, "y"), false);
  }

  /** As {@link #of(List, List)} but always with the normal approximation. */
  static MannWhitney asymptotic(List<Double> x, List<Double> y) {
    return of(values(x, "x"), values(y, "y"), true);
  }

  static MannWhitney of(double[] a, double[] b, boolean forceNormal) {
    int n1 = a.length;
    int n2 = b.length;
    int n = n1 + n2;
    double[] sorted = new double[n];
    System.arraycopy(a, 0, sorted, 0, n1);
    System.arraycopy(b, 0, sorted, n1, n2);
    Arrays.sort(sorted);
    double rankSumX = 0;
    for (double v : a) {
      rankSumX += averageRank(sorted, v);
    }
    double tieSum = tieSum(sorted);
    double u1 = rankSumX - n1 * (n1 + 1) / 2.0;
    if (!forceNormal && tieSum == 0 && n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT) {
      double[] p = distribution(n1, n2);
      int u = (int) Math.round(u1);
      return new MannWhitney(n1, n2, u1, upper(p, u), lower(p, u), true);
    }
    double mean = n1 * (double) n2 / 2.0;
    double variance = n1 * (double) n2 / 12.0 * ((n + 1) - tieSum / ((double) n * (n - 1)));
    if (variance <= 0) {
      return new MannWhitney(n1, n2, u1, 1.0, 1.0, false); // every value equal: no evidence
    }
    double sd = Math.sqrt(variance);
    return new MannWhitney(n1, n2, u1, upperTail((u1 - mean - 0.5) / sd),
        upperTail((mean - u1 - 0.5) / sd), false);
  }

  /** @return U of {@code y}: {@code n1 * n2 - u1} */
  double u2() {
    return (double) n1 * n2 - u1;
  }

  /** @return the two-sided p-value for "x and y differ" */
  double pTwoSided() {
    return Math.min(1.0, 2 * Math.min(pGreater, pLess));
  }

  /**
   * The exact null distribution of U for sizes {@code m} and {@code n}: {@code p[u] = P(U = u)},
   * u in 0..m*n. It follows the last (largest) value of the pooled sample: an x with probability
   * m/(m+n), which exceeds all n y values, or a y. So {@code P(m,n,u) = m/(m+n) P(m-1,n,u-n) +
   * n/(m+n) P(m,n-1,u)}. Probabilities rather than counts, so nothing overflows and nothing
   * cancels.
   */
  static double[] distribution(int m, int n) {
    if (EXACT.size() > 256) {
      EXACT.clear(); // a bound on memory; pairs of sizes recur, so this seldom happens
    }
    return EXACT.computeIfAbsent(((long) m << 32) | n, k -> compute(m, n)).clone();
  }

  private static double[] compute(int m, int n) {
    double[][] previous = new double[n + 1][]; // P(i - 1, j, .) for j = 0..n
    for (int i = 0; i <= m; i++) {
      double[][] current = new double[n + 1][];
      for (int j = 0; j <= n; j++) {
        double[] p = new double[i * j + 1];
        if (i == 0 || j == 0) {
          p[0] = 1;
        } else {
          double withX = i / (double) (i + j);
          double[] lastX = previous[j];
          double[] lastY = current[j - 1];
          for (int u = 0; u < lastX.length; u++) {
            p[u + j] += withX * lastX[u];
          }
          for (int u = 0; u < lastY.length; u++) {
            p[u] += (1 - withX) * lastY[u];
          }
        }
        current[j] = p;
      }
      previous = current;
    }
    return previous[n];
  }

  /** @return P(U &gt;= u) */
  private static double upper(double[] p, int u) {
    double sum = 0;
    for (int k = Math.max(0, u); k < p.length; k++) {
      sum += p[k];
    }
    return Math.min(1.0, sum);
  }

  /** @return P(U &lt;= u) */
  private static double lower(double[] p, int u) {
    double sum = 0;
    for (int k = 0; k <= Math.min(u, p.length - 1); k++) {
      sum += p[k];
    }
    return Math.min(1.0, sum);
  }

  static double[] values(List<Double> sample, String field) {
    if (sample == null || sample.isEmpty()) {
      throw new InvalidSpecException(field, "needs at least one value");
    }
    double[] out = new double[sample.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = sample.get(i);
      if (v == null || v.isNaN()) {
        throw new InvalidSpecException(field + "[" + i + "]", "is null or NaN");
      }
      out[i] = v;
    }
    return out;
  }

  /** The sum of t^3 - t over the groups of t equal values, for the variance's tie correction. */
  static double tieSum(double[] sorted) {
    double sum = 0;
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      double t = j - i;
      sum += t * t * t - t;
      i = j;
    }
    return sum;
  }

  /** The mid-rank (1-based) of {@code v} among {@code sorted}. */
  private static double averageRank(double[] sorted, double v) {
    int first = lowerBound(sorted, v);
    int last = first;
    while (last < sorted.length && sorted[last] == v) {
      last++;
    }
    return (first + 1 + last) / 2.0;
  }

  private static int lowerBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** P(Z &gt; z) for a standard normal Z. */
  static double upperTail(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /** @return z with P(Z &gt; z) = {@code tail}, for tail in (0, 1), by bisection */
  static double upperQuantile(double tail) {
    double lo = -40;
    double hi = 40;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (upperTail(mid) > tail) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /**
   * The complementary error function, by the Chebyshev fit of Numerical Recipes (fractional error
   * below 1.2e-7 everywhere).
   */
  static double erfc(double x) {
    double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
    double poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    double ans = t * Math.exp(poly);
    return x >= 0 ? ans : 2.0 - ans;
  }
}
