package dev.molt.rollout;

import dev.molt.Arguments;
import java.time.Instant;

/**
 * One thing that happened in a rollout.
 *
 * @param at when (by the engine's clock)
 * @param type what kind of thing
 * @param phase the rollout's phase after it
 * @param step the rollout's step after it
 * @param message a readable {@code key=value} description
 */
public record RolloutEvent(Instant at, Type type, RolloutPhase phase, int step, String message) {

  /** Validates the fields. */
  public RolloutEvent {
    Arguments.required(at, "at");
    Arguments.required(type, "type");
    Arguments.required(phase, "phase");
    Arguments.required(message, "message");
  }

  /** Kinds of events. */
  public enum Type {
    /** The rollout began and observed the fleet. */
    STARTED,
    /** New instances were asked for. */
    LAUNCHED,
    /** Instances were taken out of traffic. */
    DRAINING,
    /** Instances were destroyed. */
    TERMINATED,
    /** A new instance failed (launch, health deadline, turned unhealthy) and will be replaced. */
    INSTANCE_FAILED,
    /**
     * Traffic weights changed: the message starts {@code traffic: <rev>=<w>% <rev>=<w>%}. Without
     * a router it reports the effective split of the replica ratio.
     */
    TRAFFIC_SHIFTED,
    /** A blue-green or canary step began, or a step-wise control acted. */
    STEP,
    /** An analysis reached its verdict. */
    ANALYZED,
    /**
     * One measurement of an analysis's gate was made, while its result still counts: {@code
     * step=<strategy step> gate=<name> measurement=<n, from 1> verdict=<Verdict> detail="<the
     * gate's reason, with its numbers>"}, and {@code metrics=<metric>=<Verdict>,...} when the gate
     * compared metrics. Recorded at the moment the measurement was made, before the {@link
     * #ANALYZED} event it leads to. Descriptive only: a store keeps it with the next event.
     */
    MEASURED,
    /**
     * The live instances the engine observed changed, counted per revision and state: {@code
     * instances: <rev>=<STATE>:<n>,<STATE>:<n> <rev>=...}, revisions by id and states in {@link
     * dev.molt.InstanceState} order, only non-zero counts ({@code instances: none} for an empty
     * fleet). Recorded when an observation the rollout decides on differs from the last one
     * recorded, so the history tells how many instances of each revision were in each state over
     * time. Descriptive only: logged at DEBUG, and a store keeps it with the next event.
     */
    OBSERVED,
    /** More of the new revision serves. */
    PROGRESS,
    /** The rollout paused. */
    PAUSED,
    /** The rollout resumed. */
    RESUMED,
    /** The rollout started returning to the previous revision. */
    ABORTING,
    /** Another engine picked the rollout up from the store after its engine stopped. */
    RECOVERED,
    /**
     * A deployment window held the rollout ({@code action=hold wait=OUTSIDE_WINDOW detail="..."
     * until=...}: outside its windows or in a freeze) or let it go again ({@code action=release
     * held=<duration>}). The phase is unchanged.
     */
    WINDOW,
    /**
     * This engine stopped driving the rollout, before its next platform call, because it may no
     * longer hold the fleet's lease: the store refused its fencing token (another engine was
     * granted the fleet), or by its clock the lease was within the skew margin of its expiry. The
     * phase is unchanged; the store keeps the record for whoever holds the fleet next. Not
     * terminal, and not saved by this engine.
     */
    LEASE_LOST,
    /** A platform call failed; the engine will observe again. */
    PROVIDER_ERROR,
    /** Terminal: the new revision serves at full capacity. */
    SUCCEEDED,
    /** Terminal: the previous revision serves again. */
    ROLLED_BACK,
    /** Terminal: the rollout gave up. */
    FAILED
  }

  /** @return {@code at TYPE message}, one readable line */
  @Override
  public String toString() {
    return at + " " + type + " " + message;
  }
}
