package dev.molt.engine;

import dev.molt.Rollout;
import java.util.concurrent.CompletableFuture;

/**
 * A running rollout: its live state and the controls that steer it. Thread-safe. Controls take
 * effect at once: a pause or abort cancels any pending wait, and an abort always wins over the
 * step in progress.
 */
public interface RolloutHandle {

  /** @return the rollout id */
  String id();

  /** @return the latest snapshot */
  Rollout current();

  /**
   * Holds the rollout where it is. Valid while pending or progressing; pausing a paused rollout is
   * a no-op.
   *
   * @throws dev.molt.IllegalControlException in other phases
   */
  void pause();

  /**
   * Continues a paused rollout, with a fresh progress deadline and replacement budget.
   *
   * @throws dev.molt.IllegalControlException unless paused
   */
  void resume();

  /**
   * Returns the fleet to the previous revision and destroys the new one. Valid in every
   * non-terminal phase; aborting an aborting rollout is a no-op.
   *
   * @param reason why, recorded in the history
   * @throws dev.molt.IllegalControlException once the rollout has ended
   */
  void abort(String reason);

  /** @return completes with the final snapshot when the rollout reaches a terminal phase */
  CompletableFuture<Rollout> completion();

  /**
   * Waits for the end, in the engine scheduler's time (driving virtual time when it is virtual).
   *
   * @return the final snapshot, whatever its phase
   */
  Rollout await();

  /**
   * Waits for the end and insists on success.
   *
   * @return the final snapshot
   * @throws dev.molt.RolloutFailedException if it ended other than {@code SUCCEEDED}
   */
  Rollout awaitSuccess();
}
