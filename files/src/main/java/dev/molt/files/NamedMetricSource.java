package dev.molt.files;

import dev.molt.Arguments;
import dev.molt.gate.MetricQuery;
import dev.molt.gate.MetricSource;
import java.util.List;
import java.util.OptionalLong;

/**
 * A metric source with the name files refer to it by ({@code source: prometheus}). A file
 * declares Prometheus sources in {@code metricSources}; any other source (CloudWatch, a test's
 * fixed numbers) is given to the reader by name with {@link SpecFiles.Builder#metricSource}.
 * Immutable; thread-safe if its source is.
 *
 * @param name the name files use
 * @param source where the samples come from
 */
public record NamedMetricSource(String name, MetricSource source) implements MetricSource {

  /** Validates the fields. */
  public NamedMetricSource {
    Arguments.notBlank(name, "name");
    Arguments.required(source, "source");
  }

  @Override
  public List<Double> samples(MetricQuery query) {
    return source.samples(query);
  }

  @Override
  public OptionalLong requests(MetricQuery query) {
    return source.requests(query);
  }
}
