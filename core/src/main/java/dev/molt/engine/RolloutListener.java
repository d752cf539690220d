package dev.molt.engine;

import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;

/**
 * Told about every event of every rollout an engine runs, on the engine's thread, in order. Keep it
 * quick; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RolloutListener {
  /**
   * Called after each event.
   *
   * @param rollout the rollout snapshot including {@code event}
   * @param event what happened
   */
  void onEvent(Rollout rollout, RolloutEvent event);
}
