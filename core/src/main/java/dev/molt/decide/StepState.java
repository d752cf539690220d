package dev.molt.decide;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.gate.AnalysisResult;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where a step-wise strategy is, as recorded in the rollout's state (persistable, not planner
 * memory): planners read it from {@link PlanContext} and change it only through actions. Not API.
 *
 * @param index the current step, from 0
 * @param startedAt when the current step started
 * @param analysis the result of the current step's analysis, once it has one
 * @param analyzing whether the current step's analysis is being measured
 * @param promoteFull whether {@code promoteFull()} asked to skip the remaining steps
 * @param routed whether the platform has a traffic router
 * @param recordedTraffic the split last recorded (set through the router, or effective)
 * @param stable the revision the rollout started from, the baseline, if any
 * @param analysisStartedAt when the current analysis started measuring (this engine's start of it:
 *     a resumed analysis measures again from its own start); meaningful while {@code analyzing}
 * @param stableSpec the launch spec of {@code stable}, if the engine knows it: what a fresh
 *     baseline launches (see {@link FreshBaseline})
 */
public record StepState(
    int index,
    Instant startedAt,
    Optional<AnalysisResult> analysis,
    boolean analyzing,
    boolean promoteFull,
    boolean routed,
    Map<Revision, Integer> recordedTraffic,
    Optional<Revision> stable,
    Instant analysisStartedAt,
    Optional<LaunchSpec> stableSpec) {

  /** Copies the map. */
  public StepState {
    recordedTraffic = Map.copyOf(recordedTraffic);
  }

  /** A state whose stable launch spec is unknown. */
  public StepState(int index, Instant startedAt, Optional<AnalysisResult> analysis,
      boolean analyzing, boolean promoteFull, boolean routed, Map<Revision, Integer> recordedTraffic,
      Optional<Revision> stable, Instant analysisStartedAt) {
    this(index, startedAt, analysis, analyzing, promoteFull, routed, recordedTraffic, stable,
        analysisStartedAt, Optional.empty());
  }

  /** @return a copy knowing the stable revision's launch spec (for a fresh baseline) */
  public StepState withStableSpec(Optional<LaunchSpec> spec) {
    return new StepState(index, startedAt, analysis, analyzing, promoteFull, routed,
        recordedTraffic, stable, analysisStartedAt, spec);
  }

  /** @return step 0 started at {@code now}, nothing else known */
  public static StepState initial(Instant now) {
    return new StepState(0, now, Optional.empty(), false, false, false, Map.of(),
        Optional.empty(), now);
  }
}
