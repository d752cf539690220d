package dev.molt;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One observed instance (container, pod, VM) of a fleet.
 *
 * @param id the platform's id for it
 * @param fleet the fleet it belongs to
 * @param revision the revision it runs
 * @param address where it serves ({@code host:port}), once known
 * @param state its lifecycle state
 * @param launchedAt when it was asked for
 * @param stateSince when it entered {@code state}
 * @param healthySince the start of its current healthy streak: the first moment of the latest
 *     uninterrupted spell of passing health checks, never an earlier healthy moment. Readiness
 *     ({@code minReadyTime}) counts from it. Only a {@code RUNNING} instance (as a provider reports
 *     it, before the engine merges the verdict) or a {@code HEALTHY} one has a streak: for any
 *     other state the constructor drops it. Empty when the provider cannot tell; the engine then
 *     dates the streak from its own observations
 * @param labels the platform labels, including the {@link OwnerLabels}
 */
public record Instance(
    String id,
    String fleet,
    Revision revision,
    Optional<String> address,
    InstanceState state,
    Instant launchedAt,
    Instant stateSince,
    Optional<Instant> healthySince,
    Map<String, String> labels) {

  /**
   * Validates and copies the fields; drops {@code healthySince} unless the state is {@code
   * RUNNING} or {@code HEALTHY}.
   *
   * @throws InvalidSpecException if a field is null or blank
   */
  public Instance {
    Arguments.notBlank(id, "id");
    Arguments.notBlank(fleet, "fleet");
    Arguments.required(revision, "revision");
    Arguments.optional(address, "address");
    Arguments.required(state, "state");
    Arguments.required(launchedAt, "launchedAt");
    Arguments.required(stateSince, "stateSince");
    Arguments.optional(healthySince, "healthySince");
    if (state != InstanceState.RUNNING && state != InstanceState.HEALTHY) {
      healthySince = Optional.empty(); // a healthy streak exists only while it runs
    }
    labels = Arguments.copyOf(labels, "labels");
  }

  /**
   * @return a copy in {@code newState} since {@code since}; entering {@code HEALTHY}, it keeps
   *     the streak start it has (a provider's report) or starts one at {@code since}
   */
  public Instance withState(InstanceState newState, Instant since) {
    Optional<Instant> healthy = newState == InstanceState.HEALTHY
        ? Optional.of(healthySince.orElse(since)) : Optional.empty();
    return new Instance(id, fleet, revision, address, newState, launchedAt, since, healthy, labels);
  }

  /** @return a copy with {@code healthySince} set */
  public Instance withHealthySince(Instant since) {
    return new Instance(id, fleet, revision, address, state, launchedAt, stateSince,
        Optional.of(since), labels);
  }

  /** @return the taint reason, if an operator or detector marked this instance for replacement */
  public Optional<String> taint() {
    return Optional.ofNullable(labels.get(OwnerLabels.TAINTED));
  }

  /** @return true if it is {@link InstanceState#HEALTHY} */
  public boolean isHealthy() {
    return state == InstanceState.HEALTHY;
  }
}
