package dev.molt.internal;

import dev.molt.Fleet;
import dev.molt.LaunchSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a planner may look at: the observed fleet, the goal and the time. Not API.
 *
 * @param observed the fleet as just observed, with health merged in
 * @param targetSpec what the fleet should run
 * @param desired how many should serve
 * @param now the engine's current time
 * @param replacements failed new instances replaced so far
 * @param drainTimeout how long a drain may take before termination anyway
 * @param steps where a step-wise strategy (blue-green, canary) is, from the rollout's state
 */
public record PlanContext(
    Fleet observed,
    LaunchSpec targetSpec,
    int desired,
    Instant now,
    int replacements,
    Duration drainTimeout,
    StepState steps) {

  /** A context for strategies without steps (rolling): step 0 started {@code now}, no router. */
  public PlanContext(Fleet observed, LaunchSpec targetSpec, int desired, Instant now,
      int replacements, Duration drainTimeout) {
    this(observed, targetSpec, desired, now, replacements, drainTimeout, StepState.initial(now));
  }
}
