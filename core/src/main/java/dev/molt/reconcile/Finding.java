package dev.molt.reconcile;

import dev.molt.Revision;
import dev.molt.Arguments;

/**
 * One instance a reconcile found out of line with the declared state, why, what it does about it,
 * and how that ended.
 *
 * @param instanceId the platform's id of the instance
 * @param kind what is wrong with it
 * @param revision the revision it runs
 * @param reason a readable explanation naming the evidence (revision, taint text, durations)
 * @param remedy what the reconcile does about it
 * @param outcome whether that was done
 */
public record Finding(
    String instanceId, Kind kind, Revision revision, String reason, Remedy remedy,
    Outcome outcome) {

  /** Validates the fields. */
  public Finding {
    Arguments.notBlank(instanceId, "instanceId");
    Arguments.required(kind, "kind");
    Arguments.required(revision, "revision");
    Arguments.notBlank(reason, "reason");
    Arguments.required(remedy, "remedy");
    Arguments.required(outcome, "outcome");
  }

  /** @return a copy with this outcome */
  public Finding withOutcome(Outcome newOutcome) {
    return new Finding(instanceId, kind, revision, reason, remedy, newOutcome);
  }

  /** What is wrong with an instance. */
  public enum Kind {
    /** Serves, but runs a revision (image or configuration) other than the declared one. */
    DRIFTED,
    /** Marked for replacement by an operator or a detector ({@code molt.dev/tainted} label). */
    TAINTED,
    /** Runs the declared revision but fails its health check, or failed outright. */
    UNHEALTHY,
    /**
     * Owned by the fleet but not part of it: a revision that is not declared and does not serve
     * (left launching or failed by a crashed rollout), an instance left draining, or a serving
     * instance beyond the desired capacity.
     */
    ORPHAN
  }

  /** What a reconcile does about a finding. */
  public enum Remedy {
    /** Launch a declared instance in its place, then drain and terminate it, within the limits. */
    REPLACE,
    /** Terminate it (draining it first if it serves); nothing is launched in its place. */
    TERMINATE,
    /** Unhealthy within the grace period: replace it if it still fails when the grace ends. */
    REPLACE_IF_STILL_FAILING
  }

  /** How a finding ended. */
  public enum Outcome {
    /** Nothing was done: a dry run, which only reports. */
    PLANNED,
    /** The remedy was carried out: the instance is gone (and replaced, for {@code REPLACE}). */
    DONE,
    /**
     * No longer out of line when the reconcile ended: an unhealthy instance passed its health
     * check again within the grace period, or an operator removed a taint.
     */
    RESOLVED,
    /** The reconcile ended (failed, aborted) before the remedy was carried out. */
    NOT_DONE
  }
}
