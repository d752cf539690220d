package dev.molt.gate;

import dev.molt.internal.Checks;
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
    Checks.required(verdict, "verdict");
    measurements = Checks.copyOf(measurements, "measurements");
  }

  /** @return {@code verdict=FAIL measurements=3 last="..."} */
  public String summary() {
    String last = measurements.isEmpty() ? "" : measurements.get(measurements.size() - 1).detail();
    return "verdict=" + verdict + " measurements=" + measurements.size() + " last=\""
        + last.replace('"', '\'') + "\"";
  }
}
