package dev.molt.store;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.Rollout;
import dev.molt.RolloutSpec;
import dev.molt.internal.Checks;
import java.util.Optional;

/**
 * What a {@link RolloutStore} keeps of one rollout: enough for another engine to resume it after a
 * crash. Everything else (which instances exist, which are healthy) is observed again from the
 * platform, never stored.
 *
 * @param spec the rollout's spec, including the target's launch spec
 * @param previous the launch spec of the revision a rollback returns to, if known
 * @param rollout the latest snapshot: phase, step, replacements, reason, history
 * @param resumes how many times an engine resumed this rollout after another stopped (0 at first)
 */
public record RolloutRecord(
    RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout, int resumes) {

  /** Validates the fields. */
  public RolloutRecord {
    Checks.required(spec, "spec");
    Checks.optional(previous, "previous");
    Checks.required(rollout, "rollout");
    Checks.nonNegative(resumes, "resumes");
    if (!spec.fleet().equals(rollout.fleet())) {
      throw new InvalidSpecException("rollout.fleet", "is " + rollout.fleet()
          + " but the spec is for fleet " + spec.fleet());
    }
  }

  /** @return the rollout id */
  public String id() {
    return rollout.id();
  }

  /** @return the fleet name */
  public String fleet() {
    return spec.fleet();
  }

  /** @return true once the rollout reached a terminal phase */
  public boolean isFinished() {
    return rollout.isDone();
  }
}
