package dev.molt.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic metric streams for the {@code judge} suite: one sample per step of a window,
 * for the baseline and for a canary whose metric is {@code 1 + effect} times worse. Both sides
 * share the same drift over the window (load rising through the analysis), as two fleets measured
 * at the same moment would; each sample has its own noise.
 *
 * <ul>
 *   <li><b>latency</b>: a windowed p99 in ms, log-normal around {@value #LATENCY_MEDIAN_MS} ms
 *       with log-standard-deviation {@value #LATENCY_SIGMA} (sample-to-sample noise), times the
 *       drift;
 *   <li><b>errors</b>: the error ratio of {@value #REQUESTS_PER_SAMPLE} requests, each failing
 *       (Bernoulli) with probability {@value #ERROR_RATE} times the drift.
 * </ul>
 */
final class MetricStreams {
  static final double LATENCY_MEDIAN_MS = 100;
  static final double LATENCY_SIGMA = 0.15;
  static final double ERROR_RATE = 0.02;
  static final int REQUESTS_PER_SAMPLE = 200;
  /** Drift over the window: the metric ends 10 % higher than it starts, on both sides. */
  static final double DRIFT = 0.10;

  /** The metrics the suite judges. */
  enum Metric {
    LATENCY, ERRORS;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private MetricStreams() {}

  /**
   * @param metric which stream
   * @param n samples
   * @param effect how much worse than the baseline (0 for the baseline itself, 0.1 for 10 %)
   * @param random the seeded source
   * @return n samples in time order
   */
  static List<Double> samples(Metric metric, int n, double effect, Random random) {
    List<Double> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      double drift = 1 + DRIFT * t / Math.max(1, n - 1);
      out.add(switch (metric) {
        case LATENCY -> LATENCY_MEDIAN_MS * Math.exp(LATENCY_SIGMA * random.nextGaussian())
            * drift * (1 + effect);
        case ERRORS -> errorRatio(ERROR_RATE * drift * (1 + effect), random);
      });
    }
    return out;
  }

  private static double errorRatio(double rate, Random random) {
    int errors = 0;
    for (int i = 0; i < REQUESTS_PER_SAMPLE; i++) {
      errors += random.nextDouble() < rate ? 1 : 0;
    }
    return errors / (double) REQUESTS_PER_SAMPLE;
  }
}
