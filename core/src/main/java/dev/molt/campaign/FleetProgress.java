package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Revision;
import java.util.Optional;

/**
 * One affected fleet in a campaign snapshot.
 *
 * @param fleet the fleet name
 * @param wave the name of its wave
 * @param capacity its desired capacity
 * @param status where it is
 * @param from the revision it ran before the campaign
 * @param target the rebuilt revision, once the rebuild returned
 * @param rolloutId the id of its rollout, once started (the rollout keeps its own record)
 * @param reason why it failed or was not started, if it did not succeed
 */
public record FleetProgress(String fleet, String wave, int capacity, FleetStatus status,
    Revision from, Optional<Revision> target, Optional<String> rolloutId,
    Optional<String> reason) {

  /** Validates the fields. */
  public FleetProgress {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(wave, "wave");
    Arguments.nonNegative(capacity, "capacity");
    Arguments.required(status, "status");
    Arguments.required(from, "from");
    Arguments.optional(target, "target");
    Arguments.optional(rolloutId, "rolloutId");
    Arguments.optional(reason, "reason");
  }

  FleetProgress with(FleetStatus next) {
    return new FleetProgress(fleet, wave, capacity, next, from, target, rolloutId, reason);
  }

  FleetProgress started(Revision rebuilt, String rollout) {
    return new FleetProgress(fleet, wave, capacity, FleetStatus.ROLLING, from,
        Optional.of(rebuilt), Optional.of(rollout), reason);
  }

  FleetProgress ended(FleetStatus next, Optional<String> why) {
    return new FleetProgress(fleet, wave, capacity, next, from, target, rolloutId, why);
  }
}
