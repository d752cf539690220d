package dev.molt.strategy;

import dev.molt.Arguments;
import java.time.Duration;

/**
 * Zone by zone inside one fleet, as CodeDeploy's zonal configuration: a {@link RollingUpdate}
 * with zones ({@link RollingUpdate#withZones}) replaces the instances of one zone ({@code
 * molt.dev/zone}, {@link dev.molt.OwnerLabels#ZONE}) at a time, in zone-name order, under its
 * usual surge and unavailable limits; waits {@code bake} after each zone before the next starts;
 * and never lets a zone's serving instances drop below {@code minHealthyPerZone}. New instances
 * for a zone are asked for in that zone. Instances without a zone form one zone of their own.
 *
 * <p>Worked example: zones a, b, c with 3 instances each, {@code ZonalRollout.of(10m, 2)},
 * maxSurge 1: zone a is replaced one instance at a time (a keeps at least 2 serving), then the
 * rollout waits 10 minutes ({@code TIMED_PAUSE}), then zone b, 10 minutes, then zone c: done.
 *
 * @param bake how long to wait after a zone is replaced before the next zone starts (0: none);
 *     no bake before the first zone or after the last
 * @param minHealthyPerZone the fewest serving instances any zone may have while it is replaced:
 *     a count, or a percentage of the zone's size (rounded up)
 */
public record ZonalRollout(Duration bake, Amount minHealthyPerZone) {

  /**
   * Validates the fields.
   *
   * @throws dev.molt.InvalidSpecException naming {@code bake} or {@code minHealthyPerZone}
   */
  public ZonalRollout {
    Arguments.nonNegative(bake, "bake");
    Arguments.required(minHealthyPerZone, "minHealthyPerZone");
  }

  /** @return no bake and no minimum beyond the fleet's own limits: one zone at a time only */
  public static ZonalRollout defaults() {
    return new ZonalRollout(Duration.ZERO, Amount.of(0));
  }

  /**
   * @param bake the wait after each zone
   * @param minHealthyPerZone the per-zone minimum of serving instances
   * @return the zonal settings
   */
  public static ZonalRollout of(Duration bake, Amount minHealthyPerZone) {
    return new ZonalRollout(bake, minHealthyPerZone);
  }

  /**
   * @param zoneSize how many instances the zone should have
   * @return {@code minHealthyPerZone} resolved against {@code zoneSize}, percentages rounded up
   */
  public int minHealthy(int zoneSize) {
    return minHealthyPerZone.roundUp(zoneSize);
  }
}
