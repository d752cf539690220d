package dev.molt.gate;

import java.util.List;
import java.util.OptionalLong;

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

  /**
   * How many requests the samples of {@code query} stand for over its range, if this source can
   * say it (a CloudWatch statistic's {@code SampleCount}, a simulated source), for the
   * comparison's request floor ({@link MetricComparison#minRequests()}). The default cannot say:
   * the comparison then applies its sample floor only. {@link PrometheusMetricSource} cannot
   * either, since a latency expression does not name its request counter.
   *
   * @param query the expression and range, as given to {@link #samples}
   * @return the number of requests, or empty when unknown
   */
  default OptionalLong requests(MetricQuery query) {
    return OptionalLong.empty();
  }
}
