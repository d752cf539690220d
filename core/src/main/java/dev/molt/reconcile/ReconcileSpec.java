package dev.molt.reconcile;

import dev.molt.Durations;
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
 * <p>The fields a reconcile shares with a rollout (fleet, capacity, the declared launch spec, the
 * rolling limits, the progress deadline and the drain timeout) are not copied: they live in the
 * {@link #rollout() rollout that carries the reconcile out}, checked by the same rules, and the
 * accessors below read them from there.
 *
 * @param rollout the rollout the engine runs to carry out this reconcile: the declared spec under
 *     {@link RollingUpdate} limits, ending {@link FailurePolicy#STOP} on failure (rolling "back"
 *     from a reconcile would mean relaunching drifted instances)
 * @param unhealthyGrace how long an instance of the declared revision may fail its health check
 *     before it is replaced (default 1 min); must be shorter than the progress deadline
 * @param dryRun report what would be done and change nothing (default false)
 */
public record ReconcileSpec(RolloutSpec rollout, Duration unhealthyGrace, boolean dryRun) {

  /** Validates the fields: a rolling, stopping rollout, and the grace against its deadline. */
  public ReconcileSpec {
    Arguments.required(rollout, "rollout");
    if (!(rollout.strategy() instanceof RollingUpdate)) {
      throw new InvalidSpecException("rolling", "a reconcile replaces instances under rolling"
          + " limits, was " + rollout.strategy());
    }
    if (((RollingUpdate) rollout.strategy()).zones().isPresent()) {
      throw new InvalidSpecException("rolling.zones", "a reconcile does not go zone by zone: it"
          + " replaces drifted and unhealthy instances wherever they are. Leave zones out of its"
          + " rolling limits");
    }
    if (rollout.onFailure() != FailurePolicy.STOP) {
      throw new InvalidSpecException("rollout.onFailure", "must be STOP for a reconcile (rolling"
          + " back would relaunch drifted instances), was " + rollout.onFailure());
    }
    Arguments.nonNegative(unhealthyGrace, "unhealthyGrace");
    if (unhealthyGrace.compareTo(rollout.progressDeadline()) >= 0) {
      throw new InvalidSpecException("unhealthyGrace", "must be shorter than progressDeadline "
          + Durations.text(rollout.progressDeadline()) + ", was " + Durations.text(unhealthyGrace)
          + ": waiting out the grace"
          + " would look like a stalled reconcile");
    }
  }

  /** @return the fleet name (the rules of {@link RolloutSpec#fleet()}) */
  public String fleet() {
    return rollout.fleet();
  }

  /** @return desired serving instances, at least 0 */
  public int capacity() {
    return rollout.capacity();
  }

  /** @return what every instance should run */
  public LaunchSpec declared() {
    return rollout.target();
  }

  /**
   * @return the limits replacements stay within (default {@link RollingUpdate#defaults()}:
   *     maxSurge 25%, maxUnavailable 0)
   */
  public RollingUpdate rolling() {
    return (RollingUpdate) rollout.strategy();
  }

  /**
   * @return the longest time without progress before the reconcile ends {@code FAILED} where it
   *     is (default 10 min)
   */
  public Duration progressDeadline() {
    return rollout.progressDeadline();
  }

  /** @return the longest time an instance drains before it is terminated anyway (default 30 s) */
  public Duration drainTimeout() {
    return rollout.drainTimeout();
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
    return new Builder(fleet()).capacity(capacity()).declared(declared()).rolling(rolling())
        .unhealthyGrace(unhealthyGrace).dryRun(dryRun).progressDeadline(progressDeadline())
        .drainTimeout(drainTimeout());
  }

  /** @return a copy that only reports ({@code true}) or acts ({@code false}) */
  public ReconcileSpec withDryRun(boolean only) {
    return toBuilder().dryRun(only).build();
  }

  /**
   * The rollout the engine runs to carry out this reconcile; the same as {@link #rollout()}.
   *
   * @return the rollout spec
   */
  public RolloutSpec asRollout() {
    return rollout;
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
      Arguments.required(declared, "declared");
      Arguments.required(rolling, "rolling");
      Arguments.nonNegative(capacity, "capacity");
      try {
        rolling.validateFor(capacity);
      } catch (InvalidSpecException e) {
        throw e.within("rolling");
      }
      RolloutSpec rollout = RolloutSpec.builder(fleet).capacity(capacity).target(declared)
          .strategy(rolling).onFailure(FailurePolicy.STOP).progressDeadline(progressDeadline)
          .drainTimeout(drainTimeout).build();
      return new ReconcileSpec(rollout, unhealthyGrace, dryRun);
    }
  }
}
