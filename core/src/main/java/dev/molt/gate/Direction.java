package dev.molt.gate;

/** Which change of a metric, canary against baseline, is a regression. */
public enum Direction {
  /** Higher is worse: latencies, error rates, saturation. */
  INCREASE_IS_BAD,
  /** Lower is worse: throughput, success rates, cache hit ratios. */
  DECREASE_IS_BAD,
  /** Any change is suspect: a metric that should not move, such as a response size. */
  EITHER_IS_BAD
}
