package dev.molt.campaign;

import java.util.concurrent.CompletableFuture;

/**
 * A running campaign: its live state and the controls that steer it. Each fleet's rollout has its
 * own {@link dev.molt.engine.RolloutHandle} on its engine. Thread-safe.
 */
public interface CampaignHandle {

  /** @return the campaign id */
  String id();

  /** @return the latest snapshot */
  Campaign current();

  /**
   * Lets the wave that waits for approval start.
   *
   * @throws dev.molt.rollout.IllegalControlException unless the campaign waits for an approval
   */
  void approve();

  /**
   * Holds the campaign where it is: no further fleet or wave starts (and no bake ends into the
   * next wave) until {@link #resume()}; rollouts already running go on to their end. Pausing a
   * paused campaign is a no-op.
   *
   * @throws dev.molt.rollout.IllegalControlException unless the campaign is RUNNING
   */
  void pause();

  /**
   * Continues a paused campaign.
   *
   * @throws dev.molt.rollout.IllegalControlException unless it is paused
   */
  void resume();

  /**
   * Halts the campaign: no further fleet starts, running rollouts are aborted (rolled back by their
   * own rollouts) and fleets it already changed are returned to their previous revision, whatever
   * {@link CampaignSpec#rollBackOnHalt()} says. Aborting a halting campaign only records the
   * reason's absence of effect: it is a no-op.
   *
   * @param reason why, recorded in the history
   * @throws dev.molt.rollout.IllegalControlException once the campaign has ended
   * @throws dev.molt.InvalidSpecException if {@code reason} is blank
   */
  void abort(String reason);

  /** @return completes with the final snapshot when the campaign ends */
  CompletableFuture<Campaign> completion();

  /**
   * Waits for the end in the campaign scheduler's time (driving virtual time when it is virtual).
   *
   * @return the final snapshot
   * @throws dev.molt.rollout.IllegalControlException in virtual time, as soon as the campaign waits
   *     for {@link #approve()} or is paused: nothing but this thread drives the time, so it could
   *     never end
   */
  Campaign await();
}
