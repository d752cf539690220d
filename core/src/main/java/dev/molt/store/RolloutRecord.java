package dev.molt.store;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.Arguments;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.internal.Json;
import dev.molt.codec.RecordJson;
import java.util.List;
import java.util.Map;
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
 * @param steps where a blue-green or canary rollout stood; empty for rolling updates and records
 *     written before step state was kept (such a rollout resumes from its first step)
 * @param reconcile for the run of a reconcile, what it holds the fleet to: a resumed reconcile is
 *     a reconcile again (tainted, drifted and unhealthy instances still replaced), not a plain
 *     rolling update of {@code spec}; empty for rollouts
 * @param answers the answers of the engines that drove the rollout to the {@link ControlRequest}s
 *     made through the store, in the order they were taken, one per request; empty if none (and
 *     for records written before controls went through the store)
 * @param failureCauses how many failed new instances of the target were replaced for each cause
 *     (the normalised words of their provider), so that an engine resuming the rollout goes on
 *     counting failures of the same cause from where the last one stopped; empty if none (and
 *     for records written before causes were kept)
 */
public record RolloutRecord(
    RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout, int resumes,
    Optional<StepRecord> steps, Optional<ReconcileSpec> reconcile, List<ControlAnswer> answers,
    Map<String, Integer> failureCauses) {

  /** Validates the fields. */
  public RolloutRecord {
    Arguments.required(spec, "spec");
    Arguments.optional(previous, "previous");
    Arguments.required(rollout, "rollout");
    Arguments.nonNegative(resumes, "resumes");
    Arguments.optional(steps, "steps");
    Arguments.optional(reconcile, "reconcile");
    answers = Arguments.copyOf(answers, "answers");
    failureCauses = Map.copyOf(Arguments.required(failureCauses, "failureCauses"));
    if (!spec.fleet().equals(rollout.fleet())) {
      throw new InvalidSpecException("rollout.fleet", "is " + rollout.fleet()
          + " but the spec is for fleet " + spec.fleet());
    }
  }

  /**
   * A record without answers to control requests.
   *
   * @param spec the rollout's spec
   * @param previous the launch spec a rollback returns to, if known
   * @param rollout the latest snapshot
   * @param resumes how many times the rollout was resumed
   * @param steps where a step-wise strategy stood
   * @param reconcile for a reconcile's run, what it holds the fleet to
   */
  public RolloutRecord(RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout,
      int resumes, Optional<StepRecord> steps, Optional<ReconcileSpec> reconcile) {
    this(spec, previous, rollout, resumes, steps, reconcile, List.of());
  }

  /**
   * A record without failure causes.
   *
   * @param spec the rollout's spec
   * @param previous the launch spec a rollback returns to, if known
   * @param rollout the latest snapshot
   * @param resumes how many times it was resumed
   * @param steps where a step-wise strategy stood
   * @param reconcile what a reconcile holds the fleet to
   * @param answers the answers to control requests
   */
  public RolloutRecord(RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout,
      int resumes, Optional<StepRecord> steps, Optional<ReconcileSpec> reconcile,
      List<ControlAnswer> answers) {
    this(spec, previous, rollout, resumes, steps, reconcile, answers, Map.of());
  }

  /**
   * The record of a rollout (not a reconcile).
   *
   * @param spec the rollout's spec
   * @param previous the launch spec a rollback returns to, if known
   * @param rollout the latest snapshot
   * @param resumes how many times the rollout was resumed
   * @param steps where a step-wise strategy stood
   */
  public RolloutRecord(RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout,
      int resumes, Optional<StepRecord> steps) {
    this(spec, previous, rollout, resumes, steps, Optional.empty());
  }

  /**
   * A record without step state, for strategies without steps.
   *
   * @param spec the rollout's spec
   * @param previous the launch spec a rollback returns to, if known
   * @param rollout the latest snapshot
   * @param resumes how many times the rollout was resumed
   */
  public RolloutRecord(RolloutSpec spec, Optional<LaunchSpec> previous, Rollout rollout,
      int resumes) {
    this(spec, previous, rollout, resumes, Optional.empty());
  }

  /**
   * The record as JSON text, in the form {@link FileRolloutStore} keeps it: for stores in other
   * modules (a database column), read back with {@link #fromJson}.
   *
   * @return the JSON text
   */
  public String toJson() {
    return Json.write(RecordJson.toTree(this, RolloutRecord.class));
  }

  /**
   * Reads a record written by {@link #toJson}, validating every value again.
   *
   * @param json the JSON text
   * @return the record
   * @throws StoreException if the text is not a record (malformed, or written by a newer Molt)
   */
  public static RolloutRecord fromJson(String json) {
    Arguments.required(json, "json");
    try {
      return (RolloutRecord) RecordJson.fromTree(Json.parse(json), RolloutRecord.class);
    } catch (RuntimeException e) {
      throw new StoreException("cannot read a stored rollout record: " + e.getMessage(), e);
    }
  }

  /**
   * @param next the spec to keep instead (the same rollout's, with its gates given back, say)
   * @return a copy with {@code next} as its spec and everything else as it is
   * @throws dev.molt.InvalidSpecException if {@code next} is for another fleet
   */
  public RolloutRecord withSpec(RolloutSpec next) {
    return new RolloutRecord(next, previous, rollout, resumes, steps, reconcile, answers,
        failureCauses);
  }

  /** @return a copy counting one more resume */
  public RolloutRecord resumedOnceMore() {
    return new RolloutRecord(spec, previous, rollout, resumes + 1, steps, reconcile, answers,
        failureCauses);
  }

  /**
   * The latest answer to a control request made through the store.
   *
   * @param requestId the request's id
   * @return its answer; empty while no engine took it
   */
  public Optional<ControlAnswer> answer(String requestId) {
    Optional<ControlAnswer> last = Optional.empty();
    for (ControlAnswer a : answers) {
      if (a.requestId().equals(requestId)) {
        last = Optional.of(a);
      }
    }
    return last;
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
