package dev.molt.reconcile;

import dev.molt.rollout.FailurePolicy;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutSpec;
import dev.molt.Arguments;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;

/**
 * What a reconcile holds a fleet to: {@code capacity} healthy instances of {@code declared}, and
 * how far it may go to get there. Instances that drifted, were tainted or stay unhealthy past
 * {@code unhealthyGrace} are replaced under the {@code rolling} limits; orphans are terminated.
 *
 * @param fleet the fleet name (the rules of {@link RolloutSpec#fleet()})
 * @param capacity desired serving instances, at least 0
 * @param declared what every instance should run
 * @param rolling the limits replacements stay within (default {@link RollingUpdate#defaults()}:
 *     maxSurge 25%, maxUnavailable 0)
 * @param unhealthyGrace how long an instance of the declared revision may fail its health check
 *     before it is replaced (default 1 min); must be shorter than {@code progressDeadline}
 * @param dryRun report what would be done and change nothing (default false)
 * @param progressDeadline the longest time without progress before the reconcile ends {@code
 *     FAILED} where it is (default 10 min)
 * @param drainTimeout the longest time an instance drains before it is terminated anyway (default
 *     30 s)
 */
public record ReconcileSpec(
    String fleet,
    int capacity,
    LaunchSpec declared,
    RollingUpdate rolling,
    Duration unhealthyGrace,
    boolean dryRun,
    Duration progressDeadline,
    Duration drainTimeout) {

  /** Validates the fields, the limits against the capacity and the grace against the deadline. */
  public ReconcileSpec {
    Arguments.required(declared, "declared");
    Arguments.required(rolling, "rolling");
    Arguments.nonNegative(unhealthyGrace, "unhealthyGrace");
    Arguments.positive(progressDeadline, "progressDeadline");
    if (unhealthyGrace.compareTo(progressDeadline) >= 0) {
      throw new InvalidSpecException("unhealthyGrace", "must be shorter than progressDeadline "
          + progressDeadline + ", was " + unhealthyGrace + ": waiting out the grace would look"
          + " like a stalled reconcile");
    }
    Arguments.nonNegative(capacity, "capacity");
    try {
      rolling.validateFor(capacity);
    } catch (InvalidSpecException e) {
      throw e.within("rolling");
    }
    // the same rules as a rollout of the declared spec: fleet name, capacity, limits, timeouts
    RolloutSpec.builder(fleet).capacity(capacity).target(declared).strategy(rolling)
        .progressDeadline(progressDeadline).drainTimeout(drainTimeout).build();
  }

  /**
   * Starts a builder.
   *
   * @param fleet the fleet name
   * @return a builder with the defaults; {@code capacity} and {@code declared} must be set
   */
  public static Builder builder(String fleet) {
    return new Builder(fleet);
  }

  /** @return a builder holding this spec's values */
  public Builder toBuilder() {
    return new Builder(fleet).capacity(capacity).declared(declared).rolling(rolling)
        .unhealthyGrace(unhealthyGrace).dryRun(dryRun).progressDeadline(progressDeadline)
        .drainTimeout(drainTimeout);
  }

  /** @return a copy that only reports ({@code true}) or acts ({@code false}) */
  public ReconcileSpec withDryRun(boolean only) {
    return toBuilder().dryRun(only).build();
  }

  /**
   * The rollout the engine runs to carry out this reconcile: the declared spec under the rolling
   * limits, ending {@link FailurePolicy#STOP} on failure, since rolling "back" from a reconcile
   * would mean relaunching drifted instances.
   *
   * @return the rollout spec
   */
  public RolloutSpec asRollout() {
    return RolloutSpec.builder(fleet).capacity(capacity).target(declared).strategy(rolling)
        .onFailure(FailurePolicy.STOP).progressDeadline(progressDeadline)
        .drainTimeout(drainTimeout).build();
  }

  /** Builds a {@link ReconcileSpec}. Not thread-safe. */
  public static final class Builder {
    private final String fleet;
    private Integer capacity;
    private LaunchSpec declared;
    private RollingUpdate rolling = RollingUpdate.defaults();
    private Duration unhealthyGrace = Duration.ofMinutes(1);
    private boolean dryRun;
    private Duration progressDeadline = Duration.ofMinutes(10);
    private Duration drainTimeout = Duration.ofSeconds(30);

    private Builder(String fleet) {
      this.fleet = fleet;
    }

    /** Sets the desired capacity (required). @return this builder */
    public Builder capacity(int desired) {
      capacity = desired;
      return this;
    }

    /** Sets the declared launch spec (required). @return this builder */
    public Builder declared(LaunchSpec spec) {
      declared = spec;
      return this;
    }

    /** Sets the rolling limits replacements stay within. @return this builder */
    public Builder rolling(RollingUpdate limits) {
      rolling = limits;
      return this;
    }

    /** Sets the unhealthy grace period. @return this builder */
    public Builder unhealthyGrace(Duration grace) {
      unhealthyGrace = grace;
      return this;
    }

    /** Makes the reconcile only report. @return this builder */
    public Builder dryRun(boolean only) {
      dryRun = only;
      return this;
    }

    /** Sets the progress deadline. @return this builder */
    public Builder progressDeadline(Duration deadline) {
      progressDeadline = deadline;
      return this;
    }

    /** Sets the drain timeout. @return this builder */
    public Builder drainTimeout(Duration timeout) {
      drainTimeout = timeout;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @return the validated spec
     * @throws InvalidSpecException naming the first invalid field
     */
    public ReconcileSpec build() {
      if (capacity == null) {
        throw new InvalidSpecException("capacity", "is required: how many instances should serve?");
      }
      return new ReconcileSpec(fleet, capacity, declared, rolling, unhealthyGrace, dryRun,
          progressDeadline, drainTimeout);
    }
  }
}
