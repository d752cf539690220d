package dev.molt.gate;

import java.util.List;

/**
 * Where metric samples come from for {@link MetricComparison}: Prometheus ({@link
 * PrometheusMetricSource}), CloudWatch, a test's fixed numbers. One call per query; no waiting.
 *
 * <p>Implementations must be thread-safe and throw only unchecked exceptions; the gate turns an
 * exception into an {@link Verdict#ERROR} measurement.
 */
public interface MetricSource {

  /**
   * Fetches the samples of a query.
   *
   * @param query the expression and range
   * @return the sample values in time order, all series concatenated; empty if there are none.
   *     Values may be NaN (the gate discards them and counts what is left)
   */
  List<Double> samples(MetricQuery query);
}
