package dev.molt.gate;

/** What a measurement, or a whole analysis, concluded. Only {@link #PASS} lets a rollout go on. */
public enum Verdict {
  /** The new revision is good enough. */
  PASS,
  /** The new revision is worse: roll back (or pause, as the rollout's failure policy says). */
  FAIL,
  /** Measured, but the numbers do not decide either way. */
  INCONCLUSIVE,
  /** Too few samples to judge: empty results, NaN values, fewer than the minimum. Never a pass. */
  INSUFFICIENT_DATA,
  /** The measurement itself failed (the metric source was down, a query was wrong). */
  ERROR
}
