package dev.molt.rollout;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.Arguments;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.time.Duration;

/**
 * What a rollout should achieve: fleet {@code fleet} running {@code capacity} healthy instances of
 * {@code target}, reached by {@code strategy}.
 *
 * @param fleet the fleet name: lowercase letters, digits and '-', at most 40 characters
 * @param capacity desired serving instances, at least 0
 * @param target what every instance should be launched with
 * @param strategy how to get there (default {@link RollingUpdate#defaults()})
 * @param onFailure what to do when the new revision fails (default {@link FailurePolicy#ROLL_BACK})
 * @param progressDeadline the longest time without progress before the rollout fails (default 10
 *     min); time spent paused does not count
 * @param drainTimeout the longest time an instance drains before it is terminated anyway
 *     (default 30 s)
 * @param trafficGrace the longest a revision may carry router weight with no healthy instance
 *     (default 10 s): past it, its weight goes back to the healthy revision in one router call and
 *     the failure policy applies
 * @param allowScaleToZero whether a {@code capacity} of 0 may take a fleet that serves down to no
 *     instance at all (default false: such a rollout fails on its first observation, touching
 *     nothing; the anchors call this a traffic guard)
 * @param windows when the rollout may change the fleet (default {@link DeploymentWindows#always()}):
 *     a rollout started outside its windows, or in a freeze, touches nothing until one opens; its
 *     progress deadline does not run while it waits. A rollback (after {@code abort()} or a
 *     failure) is never held: going back to the known-good revision is always allowed
 * @param atWindowEnd what a rollout that started inside a window does when the window ends
 *     before it is done (default {@link WindowEnd#FINISH})
 */
public record RolloutSpec(
    String fleet,
    int capacity,
    LaunchSpec target,
    Strategy strategy,
    FailurePolicy onFailure,
    Duration progressDeadline,
    Duration drainTimeout,
    Duration trafficGrace,
    boolean allowScaleToZero,
    DeploymentWindows windows,
    WindowEnd atWindowEnd) {

  /** Validates the fields, including the strategy against the capacity. */
  public RolloutSpec {
    Arguments.notBlank(fleet, "fleet");
    if (!fleet.matches("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?")) {
      throw new InvalidSpecException("fleet", "'" + fleet + "' must be 1-40 lowercase letters,"
          + " digits or '-', starting and ending with a letter or digit (it becomes a label on"
          + " every platform)");
    }
    Arguments.nonNegative(capacity, "capacity");
    Arguments.required(target, "target");
    Arguments.required(strategy, "strategy");
    Arguments.required(onFailure, "onFailure");
    Arguments.positive(progressDeadline, "progressDeadline");
    Arguments.nonNegative(drainTimeout, "drainTimeout");
    Arguments.nonNegative(trafficGrace, "trafficGrace");
    if (windows == null) {
      throw new InvalidSpecException("windows", "is required: give DeploymentWindows.always() for"
          + " a rollout that may run at any time");
    }
    if (atWindowEnd == null) {
      throw new InvalidSpecException("atWindowEnd", "is required: FINISH (keep going once"
          + " started) or PAUSE (stop between steps and go on in the next window)");
    }
    try {
      strategy.validateFor(capacity);
    } catch (InvalidSpecException e) {
      throw e.within("strategy");
    }
  }

  /**
   * Starts a builder.
   *
   * @param fleet the fleet name
   * @return a builder with the defaults; {@code capacity} and {@code target} must be set
   */
  public static Builder builder(String fleet) {
    return new Builder(fleet);
  }

  /** @return a builder holding this spec's values */
  public Builder toBuilder() {
    return new Builder(fleet).capacity(capacity).target(target).strategy(strategy)
        .onFailure(onFailure).progressDeadline(progressDeadline).drainTimeout(drainTimeout)
        .trafficGrace(trafficGrace).allowScaleToZero(allowScaleToZero).windows(windows)
        .atWindowEnd(atWindowEnd);
  }

  /** @return a copy targeting another launch spec */
  public RolloutSpec withTarget(LaunchSpec newTarget) {
    return toBuilder().target(newTarget).build();
  }

  /** Builds a {@link RolloutSpec}. Not thread-safe. */
  public static final class Builder {
    private final String fleet;
    private Integer capacity;
    private LaunchSpec target;
    private Strategy strategy = RollingUpdate.defaults();
    private FailurePolicy onFailure = FailurePolicy.ROLL_BACK;
    private Duration progressDeadline = Duration.ofMinutes(10);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration trafficGrace = Duration.ofSeconds(10);
    private boolean allowScaleToZero;
    private DeploymentWindows windows = DeploymentWindows.always();
    private WindowEnd atWindowEnd = WindowEnd.FINISH;

    private Builder(String fleet) {
      this.fleet = fleet;
    }

    /** Sets the desired capacity (required). @return this builder */
    public Builder capacity(int desired) {
      capacity = desired;
      return this;
    }

    /** Sets the launch spec (required). @return this builder */
    public Builder target(LaunchSpec spec) {
      target = spec;
      return this;
    }

    /** Sets the strategy. @return this builder */
    public Builder strategy(Strategy s) {
      strategy = s;
      return this;
    }

    /** Sets the failure policy. @return this builder */
    public Builder onFailure(FailurePolicy policy) {
      onFailure = policy;
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

    /** Sets the traffic grace. @return this builder */
    public Builder trafficGrace(Duration grace) {
      trafficGrace = grace;
      return this;
    }

    /** Allows {@code capacity(0)} to remove a serving fleet. @return this builder */
    public Builder allowScaleToZero(boolean allow) {
      allowScaleToZero = allow;
      return this;
    }

    /**
     * Sets when the rollout may change the fleet (default always).
     *
     * @param allowed weekly windows in a time zone, and freezes
     * @return this builder
     */
    public Builder windows(DeploymentWindows allowed) {
      windows = allowed;
      return this;
    }

    /**
     * Sets what a rollout does when its window ends before it is done (default FINISH).
     *
     * @param end FINISH or PAUSE
     * @return this builder
     */
    public Builder atWindowEnd(WindowEnd end) {
      atWindowEnd = end;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @return the validated spec
     * @throws InvalidSpecException naming the first invalid field
     */
    public RolloutSpec build() {
      if (capacity == null) {
        throw new InvalidSpecException("capacity", "is required: how many instances should serve?");
      }
      return new RolloutSpec(fleet, capacity, target, strategy, onFailure, progressDeadline,
          drainTimeout, trafficGrace, allowScaleToZero, windows, atWindowEnd);
    }
  }
}
