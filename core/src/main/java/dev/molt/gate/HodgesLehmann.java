package dev.molt.gate;

import java.util.Arrays;

/**
 * The Hodges–Lehmann estimate of the shift between two samples, the median of all pairwise
 * differences {@code x[i] - y[j]}, and its distribution-free confidence interval
 * {@code [D(c), D(mn - c + 1)]} from the same order statistics, where c is the largest integer with
 * {@code P(U <= c - 1) <= (1 - confidence) / 2} under the null distribution of Mann–Whitney's U
 * (Hollander &amp; Wolfe, ch. 4). The order statistics are found by bisection over the doubles
 * themselves, counting pairs in O(m + n), so no m×n array is made.
 */
final class HodgesLehmann {
  private HodgesLehmann() {}

  /**
   * Estimates the effect of {@code canary} against {@code baseline}.
   *
   * @param canary the canary's samples, no NaN
   * @param baseline the baseline's samples, no NaN
   * @param test the Mann–Whitney statistics of the same samples (exact or not decides the interval)
   * @param confidence the wanted two-sided confidence of the interval, in (0, 1)
   * @param pValue the p-value to report with the effect
   * @return the effect
   */
  static Effect estimate(double[] canary, double[] baseline, MannWhitney test, double confidence,
      double pValue) {
    double[] x = canary.clone();
    double[] y = baseline.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    long pairs = (long) x.length * y.length;
    double shift = pairs % 2 == 1 ? kth(x, y, (pairs + 1) / 2)
        : (kth(x, y, pairs / 2) + kth(x, y, pairs / 2 + 1)) / 2;
    double beta = (1 - confidence) / 2;
    long c;
    double achieved;
    if (test.exact()) {
      double[] p = MannWhitney.distribution(x.length, y.length);
      c = 0;
      double below = 0; // P(U <= c - 1)
      while (c < (pairs + 1) / 2 && below + p[(int) c] <= beta) {
        below += p[(int) c];
        c++;
      }
      if (c == 0) { // too few samples for the wanted confidence: the widest interval there is
        c = 1;
        below = p[0];
      }
      achieved = Math.max(0, 1 - 2 * below);
    } else {
      double[] pooled = new double[x.length + y.length];
      System.arraycopy(x, 0, pooled, 0, x.length);
      System.arraycopy(y, 0, pooled, x.length, y.length);
      Arrays.sort(pooled);
      int n = pooled.length;
      double variance = pairs / 12.0 * ((n + 1) - MannWhitney.tieSum(pooled) / ((double) n * (n
          - 1)));
      if (variance <= 0) {
        return new Effect(shift, shift, shift, 1.0, median(y), pValue, false);
      }
      double sd = Math.sqrt(variance);
      c = (long) Math.floor(pairs / 2.0 + 0.5 - MannWhitney.upperQuantile(beta) * sd);
      c = Math.max(1, Math.min(c, (pairs + 1) / 2));
      achieved = Math.max(0, 1 - 2 * MannWhitney.upperTail((pairs / 2.0 - c + 0.5) / sd));
    }
    return new Effect(shift, kth(x, y, c), kth(x, y, pairs - c + 1), achieved, median(y), pValue,
        test.exact());
  }

  /** @return the median of sorted values */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * The k-th smallest (1-based) pairwise difference {@code x[i] - y[j]}: the least double t with
   * at least k differences {@code <= t}, by binary search over the ordered bit patterns of doubles
   * (at most 64 steps, each counting pairs in O(m + n)).
   */
  static double kth(double[] sortedX, double[] sortedY, long k) {
    long lo = order(sortedX[0] - sortedY[sortedY.length - 1]);
    long hi = order(sortedX[sortedX.length - 1] - sortedY[0]);
    while (lo < hi) {
      long mid = (lo & hi) + ((lo ^ hi) >> 1); // the floor of the mean, without overflow
      if (atMost(sortedX, sortedY, value(mid)) >= k) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return value(lo) + 0.0; // + 0.0 turns -0.0 into 0.0
  }

  /** @return how many pairs have {@code x[i] - y[j] <= t} */
  private static long atMost(double[] x, double[] y, double t) {
    long count = 0;
    int p = 0;
    for (double yj : y) {
      while (p < x.length && x[p] - yj <= t) {
        p++;
      }
      count += p;
    }
    return count;
  }

  /** A long whose order is the order of the doubles (for finite values and infinities). */
  private static long order(double d) {
    long bits = Double.doubleToLongBits(d);
    return bits < 0 ? Long.MIN_VALUE - bits : bits;
  }

  private static double value(long order) {
    return Double.longBitsToDouble(order < 0 ? Long.MIN_VALUE - order : order);
  }
}
