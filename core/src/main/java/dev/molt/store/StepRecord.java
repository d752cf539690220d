package dev.molt.store;

import dev.molt.Revision;
import dev.molt.gate.AnalysisResult;
import dev.molt.Arguments;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where a step-wise strategy (blue-green, canary) stood when its {@link RolloutRecord} was saved,
 * so that an engine resuming it continues from the same step instead of starting over. An
 * analysis that was still measuring is not kept: the resuming engine runs it again.
 *
 * @param index the current strategy step, from 0
 * @param startedAt when the current step started (a pause or delay counts from here)
 * @param analysis the current step's analysis result, once it had one
 * @param holding whether the rollout was held at the step, waiting for {@code resume()}
 * @param promoteFull whether {@code promoteFull()} asked to skip the remaining steps
 * @param traffic the split last recorded, percent per revision; empty if none was
 */
public record StepRecord(
    int index,
    Instant startedAt,
    Optional<AnalysisResult> analysis,
    boolean holding,
    boolean promoteFull,
    Map<Revision, Integer> traffic) {

  /** Validates and copies the fields. */
  public StepRecord {
    Arguments.nonNegative(index, "index");
    Arguments.required(startedAt, "startedAt");
    Arguments.optional(analysis, "analysis");
    traffic = Map.copyOf(Arguments.required(traffic, "traffic"));
  }
}
