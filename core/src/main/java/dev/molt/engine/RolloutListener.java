package dev.molt.engine;

import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;

/**
 * Told about every event of every rollout an engine runs: each event once, and a rollout's events
 * in the order they happened, with {@code molt.fleet} and {@code molt.rollout} in the slf4j MDC.
 *
 * <p>Threads, as they are: a listener runs on the thread that made the change — one of the
 * engine's scheduler threads for what the run loop does (in virtual time, the thread driving the
 * {@code VirtualTime}), or the caller's thread for a control such as {@link RolloutHandle#pause()}
 * — and never while the rollout's lock is held, so it may read the rollout or call its controls.
 * While one thread tells a rollout's listeners, changes made on other threads queue behind it and
 * the same thread tells them next, so a control returns without waiting for a listener. A slow
 * listener does hold up the engine thread it runs on (and so other rollouts' ticks on it): keep it
 * quick, and hand slow work such as a webhook to an executor of your own. An exception it throws
 * is logged and otherwise ignored.
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
