package dev.molt.campaign;

/**
 * Told about every campaign event, after the snapshot that includes it was taken. Called on the
 * campaign's scheduler, outside its lock; a listener that throws is logged and ignored.
 */
@FunctionalInterface
public interface CampaignListener {
  /**
   * Called after each event.
   *
   * @param campaign the snapshot including {@code event}
   * @param event what happened
   */
  void onEvent(Campaign campaign, CampaignEvent event);
}
