package dev.molt.engine;

import dev.molt.rollout.Rollout;
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
   * @throws dev.molt.rollout.IllegalControlException in other phases
   */
  void pause();

  /**
   * Continues a paused rollout, with a fresh progress deadline and replacement budget.
   *
   * @throws dev.molt.rollout.IllegalControlException unless paused
   */
  void resume();

  /**
   * Returns the fleet to the previous revision and destroys the new one. Valid in every
   * non-terminal phase; aborting an aborting rollout is a no-op.
   *
   * @param reason why, recorded in the history
   * @throws dev.molt.rollout.IllegalControlException once the rollout has ended
   * @throws dev.molt.InvalidSpecException if {@code reason} is null or blank
   */
  void abort(String reason);

  /**
   * Moves a blue-green or canary rollout past its current step: releases a hold (a manual
   * promotion, a pause until resumed, an inconclusive analysis), or skips a timed pause, an
   * analysis or a promotion delay. Valid while PROGRESSING or PAUSED at a step.
   *
   * @throws dev.molt.rollout.IllegalControlException for a rolling update, while aborting, after the end,
   *     or when paused by a failure (use resume)
   */
  void promote();

  /**
   * Promotes a blue-green or canary rollout fully: skips every remaining step, pause, analysis
   * and delay, and goes straight to full promotion. Valid where {@link #promote()} is.
   *
   * @throws dev.molt.rollout.IllegalControlException where {@link #promote()} would
   */
  void promoteFull();

  /**
   * Starts this rollout's spec again, as a new rollout, after it failed or was rolled back.
   *
   * @return the new rollout's handle
   * @throws dev.molt.rollout.IllegalControlException unless this rollout ended FAILED or ROLLED_BACK
   */
  RolloutHandle retry();

  /**
   * Returns the fleet to the revision it ran before this rollout. While the rollout runs (even
   * after a blue-green switch, during blue's scale-down delay) this is a rollback of this rollout:
   * with the previous revision still running it is one traffic switch and no launch. After
   * SUCCEEDED it starts a new rollout of the previous revision with the same strategy.
   *
   * @return the handle doing the undo: this one, or the new rollout's
   * @throws dev.molt.rollout.IllegalControlException after FAILED or ROLLED_BACK (nothing to undo), or
   *     when the previous revision is unknown to the engine
   */
  RolloutHandle undo();

  /** @return completes with the final snapshot when the rollout reaches a terminal phase */
  CompletableFuture<Rollout> completion();

  /**
   * Waits for the end, in the engine scheduler's time (driving virtual time when it is virtual).
   * With a real scheduler it waits, however long a pause lasts (another thread may resume it).
   *
   * @return the final snapshot, whatever its phase
   * @throws dev.molt.rollout.IllegalControlException in virtual time, as soon as the rollout waits for a
   *     person ({@code promote()} at a manual step, {@code resume()} after a pause), saying which
   *     control at which step: nothing but this thread drives the time, so it could never end
   */
  Rollout await();

  /**
   * Waits for the end and insists on success.
   *
   * @return the final snapshot
   * @throws dev.molt.rollout.RolloutFailedException if it ended other than {@code SUCCEEDED}
   */
  Rollout awaitSuccess();
}
