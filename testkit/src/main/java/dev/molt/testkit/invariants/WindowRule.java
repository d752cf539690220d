package dev.molt.testkit.invariants;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.WindowEnd;
import java.time.Instant;
import java.util.Optional;

/**
 * The deployment-window rule of {@link InvariantChecker}: a rollout that respects {@link
 * RolloutSpec#windows()} makes no change (launch, drain, weights, terminate) outside them before
 * it first acted inside one; under {@link WindowEnd#PAUSE} none after a window's end either,
 * except terminating instances it had already drained. A rollback is never held. Not thread-safe:
 * the checker calls it under its lock.
 */
final class WindowRule {
  private final DeploymentWindows windows;
  private final WindowEnd atEnd;
  private boolean rollingBack;
  private boolean started;

  WindowRule(RolloutSpec spec) {
    this.windows = spec.windows();
    this.atEnd = spec.atWindowEnd();
  }

  /** Notes the phase of each event: a rollback is never held. */
  void event(Rollout rollout) {
    rollingBack = rollout.phase() == RolloutPhase.ABORTING || rollout.isDone();
  }

  /** A run begins (an undo, a retry): it starts afresh. */
  void newRun() {
    started = false;
  }

  /**
   * @param operation the platform call that changes the fleet
   * @param now the platform's time
   * @param drainedOnly whether it terminates only instances that were draining or drained
   * @return the breach, if the call is one
   */
  Optional<String> change(String operation, Instant now, boolean drainedOnly) {
    if (windows.isAlwaysOpen() || rollingBack) {
      return Optional.empty();
    }
    if (windows.allows(now)) {
      started = true;
      return Optional.empty();
    }
    if (started && (atEnd == WindowEnd.FINISH || drainedOnly)) {
      return Optional.empty();
    }
    return Optional.of("window: " + operation + " at " + now + " outside the deployment windows"
        + windows.freeze(now).map(f -> " (in freeze '" + f.reason() + "')").orElse("")
        + (started ? " after the window's end under " + atEnd : " before the rollout started in"
            + " a window"));
  }
}
