package dev.molt.reconcile;

import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.Arguments;
import dev.molt.reconcile.Finding.Kind;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.reconcile.Finding.Remedy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one reconcile found and did. Immutable.
 *
 * @param fleet the fleet name
 * @param declared the declared revision the fleet was held to
 * @param dryRun whether it only reported
 * @param findings every instance found out of line, in the order first seen
 * @param run the engine run that carried out the remedies (its history has every launch, drain
 *     and termination); empty for a dry run
 * @param startedAt when the reconcile began
 * @param finishedAt when it ended
 */
public record ReconcileReport(
    String fleet,
    Revision declared,
    boolean dryRun,
    List<Finding> findings,
    Optional<Rollout> run,
    Instant startedAt,
    Instant finishedAt) {

  /** Validates and copies the fields. */
  public ReconcileReport {
    Arguments.notBlank(fleet, "fleet");
    Arguments.required(declared, "declared");
    findings = Arguments.copyOf(findings, "findings");
    Arguments.optional(run, "run");
    Arguments.required(startedAt, "startedAt");
    Arguments.required(finishedAt, "finishedAt");
  }

  /** @return the findings of {@code kind}, in the order first seen */
  public List<Finding> findings(Kind kind) {
    return findings.stream().filter(f -> f.kind() == kind).toList();
  }

  /** @return how many findings are of {@code kind} */
  public int count(Kind kind) {
    return findings(kind).size();
  }

  /** @return the finding about instance {@code instanceId}, if there is one */
  public Optional<Finding> finding(String instanceId) {
    return findings.stream().filter(f -> f.instanceId().equals(instanceId)).findFirst();
  }

  /** @return how many instances were replaced (gone, with a declared instance in their place) */
  public int replaced() {
    return done(Remedy.REPLACE) + done(Remedy.REPLACE_IF_STILL_FAILING);
  }

  /** @return how many instances were terminated without replacement (orphans, surplus) */
  public int terminated() {
    return done(Remedy.TERMINATE);
  }

  /** @return whether every remedy was carried out (always false for a dry run with findings) */
  public boolean isComplete() {
    return findings.stream().allMatch(f -> f.outcome() == Outcome.DONE
        || f.outcome() == Outcome.RESOLVED);
  }

  /**
   * One line for logs and CLIs: {@code replaced=6 terminated=2 drifted=3 tainted=1 unhealthy=2
   * orphans=2}; a dry run counts what it would replace and terminate.
   *
   * @return the summary
   */
  public String summary() {
    int replace = dryRun ? planned(Remedy.REPLACE) + planned(Remedy.REPLACE_IF_STILL_FAILING)
        : replaced();
    int terminate = dryRun ? planned(Remedy.TERMINATE) : terminated();
    return (dryRun ? "would-replace=" : "replaced=") + replace
        + (dryRun ? " would-terminate=" : " terminated=") + terminate
        + " drifted=" + count(Kind.DRIFTED) + " tainted=" + count(Kind.TAINTED)
        + " unhealthy=" + count(Kind.UNHEALTHY) + " orphans=" + count(Kind.ORPHAN);
  }

  private int done(Remedy remedy) {
    return (int) findings.stream()
        .filter(f -> f.remedy() == remedy && f.outcome() == Outcome.DONE).count();
  }

  private int planned(Remedy remedy) {
    return (int) findings.stream().filter(f -> f.remedy() == remedy).count();
  }
}
