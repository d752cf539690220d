package dev.molt.engine;

import dev.molt.decide.BlueGreenPlanner;
import dev.molt.rollout.IllegalControlException;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import java.time.Instant;
import java.util.Optional;

/**
 * The controls that act on strategy steps or start another rollout: promote, promote fully, retry
 * and undo of an ended rollout. Each checks the phase and says what is valid instead. The caller
 * triggers a tick afterwards.
 */
final class StepControls {
  private final EngineContext engine;
  private final RolloutSpec spec;
  private final RolloutState state;

  StepControls(EngineContext engine, RolloutSpec spec, RolloutState state) {
    this.engine = engine;
    this.spec = spec;
    this.state = state;
  }

  /**
   * Releases a hold, or else skips the current step (canary: any step before the final
   * promotion; blue-green: a gate, the promotion delay or the scale-down delay). {@code full}
   * skips every remaining step, gate and delay.
   */
  void promote(boolean full) {
    synchronized (state) {
      RolloutPhase p = state.phase();
      String control = full ? "promoteFull" : "promote";
      if (spec.strategy() instanceof RollingUpdate) {
        throw refused(control, p, "promote applies to blue-green and canary rollouts; a rolling"
            + " update has no steps to skip (pause, resume and abort are valid)");
      }
      if (p == RolloutPhase.PAUSED && !state.holding()) {
        throw refused(control, p, "the rollout was paused by a failure or by request"
            + " (reason: " + state.reason().orElse("") + "); resume() or abort() are valid");
      }
      if (p != RolloutPhase.PROGRESSING && p != RolloutPhase.PAUSED) {
        throw refused(control, p, "promote is valid while PROGRESSING, or PAUSED at a step");
      }
      Instant now = engine.clock().instant();
      if (full) {
        state.promoteFull(now);
      }
      if (state.holding()) {
        state.resume(now); // releases the hold: the step counts as done
      } else if (!full) {
        skipStep(control, p, now);
      }
    }
  }

  /** Skips the current step where skipping is safe. Called with the state lock held. */
  private void skipStep(String control, RolloutPhase p, Instant now) {
    int index = state.stepIndex();
    if (spec.strategy() instanceof Canary canary) {
      if (index >= canary.steps().size()) {
        throw refused(control, p, "the canary is already in its final promotion");
      }
      state.advance(now, index + 1, "promoted");
      return;
    }
    switch (index) {
      case BlueGreenPlanner.LAUNCH -> throw refused(control, p, "green is still launching;"
          + " promote applies once it is ready (promoteFull() promotes as soon as it is)");
      case BlueGreenPlanner.SWITCH -> { } // switching already
      case BlueGreenPlanner.SCALE_DOWN -> state.promoteFull(now); // skips the delay
      default -> state.advance(now, index + 1, "promoted");
    }
  }

  RolloutHandle retry() {
    RolloutPhase p = state.phase();
    if (p != RolloutPhase.FAILED && p != RolloutPhase.ROLLED_BACK) {
      throw refused("retry", p, "retry is valid once a rollout ended FAILED or ROLLED_BACK"
          + (p == RolloutPhase.PAUSED ? "; a paused rollout continues with resume()" : ""));
    }
    return engine.start(spec);
  }

  /** @return a new rollout back to the previous revision if this one ended; empty if it runs */
  Optional<RolloutHandle> undoEnded() {
    RolloutPhase p = state.phase();
    if (!p.isTerminal()) {
      return Optional.empty();
    }
    if (p != RolloutPhase.SUCCEEDED) {
      throw refused("undo", p, "the fleet did not move to the new revision; nothing to undo"
          + " (retry() starts the rollout again)");
    }
    Optional<LaunchSpec> previous = state.from().flatMap(engine::knownSpec);
    if (previous.isEmpty()) {
      throw refused("undo", p, "the previous revision " + state.from().map(Object::toString)
          .orElse("(none: the fleet was empty)") + " is unknown to this engine; call"
          + " RolloutEngine.remember(spec) with its launch spec, or start a rollout of it");
    }
    return Optional.of(engine.start(spec.withTarget(previous.get())));
  }

  private IllegalControlException refused(String control, RolloutPhase p, String valid) {
    return new IllegalControlException("cannot " + control + " rollout " + state.id()
        + " in phase " + p + ": " + valid);
  }
}
