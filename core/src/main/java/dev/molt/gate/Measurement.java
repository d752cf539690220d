package dev.molt.gate;

import dev.molt.Arguments;
import java.util.List;

/**
 * The outcome of measuring a gate once.
 *
 * @param verdict what it concluded
 * @param detail a short readable reason with the numbers, such as {@code healthy=3/4 min=0.9}
 * @param metrics the result of each metric the gate compared (a {@link MetricComparison}: one, a
 *     {@link CanaryScore}: one per metric); empty for gates that compare no metrics
 */
public record Measurement(Verdict verdict, String detail, List<MetricResult> metrics) {

  /** Validates and copies the fields. */
  public Measurement {
    Arguments.required(verdict, "verdict");
    Arguments.required(detail, "detail");
    metrics = Arguments.copyOf(metrics, "metrics");
  }

  /**
   * A measurement without per-metric results.
   *
   * @param verdict what it concluded
   * @param detail a short readable reason with the numbers
   */
  public Measurement(Verdict verdict, String detail) {
    this(verdict, detail, List.of());
  }

  /** @return a passing measurement */
  public static Measurement pass(String detail) {
    return new Measurement(Verdict.PASS, detail);
  }

  /** @return a failing measurement */
  public static Measurement fail(String detail) {
    return new Measurement(Verdict.FAIL, detail);
  }

  /** @return a measurement with too little data to judge */
  public static Measurement insufficientData(String detail) {
    return new Measurement(Verdict.INSUFFICIENT_DATA, detail);
  }

  /** @return a measurement that could not be made */
  public static Measurement error(String detail) {
    return new Measurement(Verdict.ERROR, detail);
  }

  @Override
  public String toString() {
    return verdict + " (" + detail + ")";
  }
}
