package dev.molt.campaign;

import dev.molt.LaunchSpec;

/**
 * The user's build pipeline, as a campaign sees it: given a fleet's current launch spec, the same
 * spec with its image rebuilt on the new base. Molt builds no images. The campaign calls it off
 * the engine's threads ({@link dev.molt.time.Scheduler#runBlocking}), once per fleet, just before
 * the fleet's rollout starts; the returned spec's image must be {@code change.to()} or be built on
 * it, else the fleet fails without a rollout. An exception thrown here fails that fleet (it counts
 * against {@link CampaignSpec#maxFailures()}). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ImageRebuild {

  /**
   * Rebuilds one fleet's image on the new base.
   *
   * @param fleet the fleet name, for the pipeline's logs
   * @param current the fleet's launch spec now
   * @param change the base change
   * @return the launch spec to roll out: {@code current} with the rebuilt image
   */
  LaunchSpec rebuild(String fleet, LaunchSpec current, BaseChange change);
}
