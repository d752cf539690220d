package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.time.Duration;
import java.time.Instant;

/**
 * A request for the samples of one metric expression over a time range.
 *
 * @param expression the source's query text (PromQL for Prometheus)
 * @param from the start of the range, inclusive
 * @param to the end of the range, inclusive
 * @param step the resolution: one sample per step
 */
public record MetricQuery(String expression, Instant from, Instant to, Duration step) {

  /** Validates the fields. */
  public MetricQuery {
    Arguments.notBlank(expression, "expression");
    Arguments.required(from, "from");
    Arguments.required(to, "to");
    Arguments.positive(step, "step");
    if (to.isBefore(from)) {
      throw new InvalidSpecException("to", to + " is before from " + from);
    }
  }
}
