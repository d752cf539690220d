package dev.molt.gate;

import dev.molt.Arguments;
import java.util.List;

/**
 * The outcome of an {@link Analysis}.
 *
 * @param verdict the decided verdict
 * @param measurements every measurement made, oldest first
 */
public record AnalysisResult(Verdict verdict, List<Measurement> measurements) {

  /** Validates and copies the fields. */
  public AnalysisResult {
    Arguments.required(verdict, "verdict");
    measurements = Arguments.copyOf(measurements, "measurements");
  }

  /**
   * The per-metric results of the last measurement, the one the verdict was decided on: the
   * evidence, effect and verdict of every metric a {@link MetricComparison} or {@link CanaryScore}
   * compared. Earlier measurements keep theirs in {@link Measurement#metrics()}.
   *
   * @return the results; empty if there was no measurement or its gate compares no metrics
   */
  public List<MetricResult> metricResults() {
    return measurements.isEmpty() ? List.of()
        : measurements.get(measurements.size() - 1).metrics();
  }

  /** @return {@code verdict=FAIL measurements=3 last="..."} */
  public String summary() {
    String last = measurements.isEmpty() ? "" : measurements.get(measurements.size() - 1).detail();
    return "verdict=" + verdict + " measurements=" + measurements.size() + " last=\""
        + last.replace('"', '\'') + "\"";
  }
}
