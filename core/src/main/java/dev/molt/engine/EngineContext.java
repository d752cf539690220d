package dev.molt.engine;

import dev.molt.decide.Decision;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a {@link RolloutRun} needs from its engine. */
interface EngineContext {
  /** @return the platform */
  Provider provider();

  /** @return the resilient call path to the platform */
  ProviderCalls calls();

  /** @return the engine's clock */
  Clock clock();

  /** @return the engine's scheduler */
  Scheduler scheduler();

  /** @return the longest wait between two observations */
  Duration pollInterval();

  /** @return the listeners, in registration order */
  List<RolloutListener> listeners();

  /** @return the launch spec of {@code revision}, if this engine has seen it */
  Optional<LaunchSpec> knownSpec(Revision revision);

  /** Logs a decision at DEBUG. */
  void logDecision(RolloutState state, Decision decision);

  /**
   * Whether {@code run} may make its next platform call: its fleet's lease still holds by the
   * engine's clock, with the skew margin. When it returns false the run has been halted.
   *
   * @param run the run about to call the platform
   * @return true if it may
   */
  default boolean mayAct(RolloutRun run) {
    return true;
  }

  /**
   * Applies the control requests other processes made through the store for {@code run}, if a
   * poll interval passed since the store was last asked. Called at the start of each tick.
   *
   * @param run the run about to tick
   */
  default void controlsDue(RolloutRun run) {}

  /** Called once when the run reaches a terminal phase. */
  void finished(RolloutRun run);

  /**
   * Starts another rollout on the same engine (for retry and undo of an ended rollout).
   *
   * @param spec what to roll out
   * @return its handle
   */
  default dev.molt.engine.RolloutHandle start(dev.molt.rollout.RolloutSpec spec) {
    throw new dev.molt.rollout.IllegalControlException("this engine cannot start rollouts from a"
        + " control; start " + spec.fleet() + " again through RolloutEngine.start");
  }
}
