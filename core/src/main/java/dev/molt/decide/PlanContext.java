package dev.molt.decide;

import dev.molt.Fleet;
import dev.molt.LaunchSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Everything a planner may look at: the observed fleet, the goal and the time. Not API.
 *
 * @param observed the fleet as just observed, with health merged in
 * @param targetSpec what the fleet should run
 * @param desired how many should serve
 * @param now the engine's current time
 * @param replacements failed new instances replaced so far
 * @param drainTimeout how long a drain may take before termination anyway
 * @param retire ids of instances to move off although they run the target revision (tainted,
 *     unhealthy past a grace period, surplus): the planner treats them as old instances
 * @param hold ids of target-revision instances to leave alone for now (unhealthy within a grace
 *     period): live but not serving, and not failed by the healthy deadline
 * @param steps where a step-wise strategy (blue-green, canary) is, from the rollout's state
 * @param unhealthySince for a reconcile, when each instance unhealthy now was first seen failing
 *     (the run loop keeps that memory between observations; the planner only reads it)
 * @param failureCauses the causes ({@link FailureCauses#key}) of the failed new instances replaced
 *     so far, with how many failed for each: the same-cause rule counts them
 */
public record PlanContext(
    Fleet observed,
    LaunchSpec targetSpec,
    int desired,
    Instant now,
    int replacements,
    Duration drainTimeout,
    Set<String> retire,
    Set<String> hold,
    StepState steps,
    Map<String, Instant> unhealthySince,
    Map<String, Integer> failureCauses) {

  /** Copies the sets. */
  public PlanContext {
    retire = Set.copyOf(retire);
    hold = Set.copyOf(hold);
    unhealthySince = Map.copyOf(unhealthySince);
    failureCauses = Map.copyOf(failureCauses);
  }

  /** A context with no failure causes recorded. */
  public PlanContext(Fleet observed, LaunchSpec targetSpec, int desired, Instant now,
      int replacements, Duration drainTimeout, Set<String> retire, Set<String> hold,
      StepState steps, Map<String, Instant> unhealthySince) {
    this(observed, targetSpec, desired, now, replacements, drainTimeout, retire, hold, steps,
        unhealthySince, Map.of());
  }

  /** A context for strategies without steps (rolling): step 0 started {@code now}, no router. */
  public PlanContext(Fleet observed, LaunchSpec targetSpec, int desired, Instant now,
      int replacements, Duration drainTimeout) {
    this(observed, targetSpec, desired, now, replacements, drainTimeout, Set.of(), Set.of(),
        StepState.initial(now), Map.of());
  }

  /** A context for a step-wise strategy: nothing retired or held beyond what the revisions say. */
  public PlanContext(Fleet observed, LaunchSpec targetSpec, int desired, Instant now,
      int replacements, Duration drainTimeout, StepState steps) {
    this(observed, targetSpec, desired, now, replacements, drainTimeout, Set.of(), Set.of(),
        steps, Map.of());
  }

  /** @return a copy with these causes of the failed new instances replaced so far */
  public PlanContext withFailureCauses(Map<String, Integer> causes) {
    return new PlanContext(observed, targetSpec, desired, now, replacements, drainTimeout, retire,
        hold, steps, unhealthySince, causes);
  }

  /** @return a copy with these instances retired and held */
  public PlanContext withRetiredAndHeld(Set<String> retired, Set<String> held) {
    return new PlanContext(observed, targetSpec, desired, now, replacements, drainTimeout, retired,
        held, steps, unhealthySince, failureCauses);
  }

  /** @return a copy with this record of when instances turned unhealthy */
  public PlanContext withUnhealthySince(Map<String, Instant> since) {
    return new PlanContext(observed, targetSpec, desired, now, replacements, drainTimeout, retire,
        hold, steps, since, failureCauses);
  }

  /** @return a copy observing {@code fleet} instead */
  public PlanContext withObserved(Fleet fleet) {
    return new PlanContext(fleet, targetSpec, desired, now, replacements, drainTimeout, retire,
        hold, steps, unhealthySince, failureCauses);
  }
}
