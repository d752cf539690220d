package dev.molt.gate;

import dev.molt.InvalidSpecException;
import java.util.Arrays;
import java.util.List;

/**
 * The Mann–Whitney U test of two independent samples, with the normal approximation, a tie
 * correction of the variance and a continuity correction of 0.5. Non-parametric: it asks whether
 * values of {@code x} tend to be larger than values of {@code y}, without assuming normal data.
 * Use it with at least about 8 values per sample; below that the normal approximation is rough.
 *
 * @param n1 the size of {@code x}
 * @param n2 the size of {@code y}
 * @param u1 U of {@code x}: the number of (x, y) pairs with x &gt; y, ties counting half
 * @param z the standardized U of {@code x} (positive when x tends to be larger), continuity
 *     corrected toward zero
 * @param pGreater the one-sided p-value for "x tends to be larger than y"
 * @param pTwoSided the two-sided p-value for "x and y differ"
 */
public record MannWhitneyTest(int n1, int n2, double u1, double z, double pGreater,
    double pTwoSided) {

  /**
   * Runs the test.
   *
   * @param x the first sample (for a canary analysis: the canary), no NaN
   * @param y the second sample (the baseline), no NaN
   * @return the statistics
   * @throws InvalidSpecException if a sample is empty or holds NaN
   */
  public static MannWhitneyTest of(List<Double> x, List<Double> y) {
    double[] a = values(x, "x");
    double[] b = values(y, "y");
    int n1 = a.length;
    int n2 = b.length;
    int n = n1 + n2;
    double[] all = new double[n];
    System.arraycopy(a, 0, all, 0, n1);
    System.arraycopy(b, 0, all, n1, n2);
    double[] sorted = all.clone();
    Arrays.sort(sorted);
    double rankSumX = 0;
    for (double v : a) {
      rankSumX += averageRank(sorted, v);
    }
    double tieSum = tieSum(sorted);
    double u1 = rankSumX - n1 * (n1 + 1) / 2.0;
    double mean = n1 * (double) n2 / 2.0;
    double variance = n1 * (double) n2 / 12.0 * ((n + 1) - tieSum / ((double) n * (n - 1)));
    if (variance <= 0) {
      return new MannWhitneyTest(n1, n2, u1, 0, 0.5, 1.0); // every value equal: no evidence
    }
    double diff = u1 - mean;
    double corrected = Math.signum(diff) * Math.max(0, Math.abs(diff) - 0.5);
    double z = corrected / Math.sqrt(variance);
    double pGreater = upperTail((u1 - mean - 0.5) / Math.sqrt(variance));
    double pTwo = Math.min(1.0, 2 * upperTail(Math.abs(z)));
    return new MannWhitneyTest(n1, n2, u1, z, pGreater, pTwo);
  }

  /** @return U of {@code y}: {@code n1 * n2 - u1} */
  public double u2() {
    return (double) n1 * n2 - u1;
  }

  private static double[] values(List<Double> sample, String field) {
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
  private static double tieSum(double[] sorted) {
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
