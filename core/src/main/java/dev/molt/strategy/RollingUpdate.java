package dev.molt.strategy;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.time.Duration;
import java.util.Optional;

/**
 * Replaces instances a few at a time within two limits, as a sliding window: the next replacement
 * starts as soon as the limits allow, not in lockstep waves.
 *
 * <ul>
 *   <li>{@code maxSurge}: how many instances above desired capacity may exist at once (counting
 *       launching, serving and draining ones). Percentages round up. Default 25%.
 *   <li>{@code maxUnavailable}: how far serving healthy capacity may drop below desired. Percentages
 *       round down. Default 0: an old instance is drained only once a healthy replacement serves.
 * </ul>
 *
 * A new instance counts as serving once it has been healthy for {@code minReadyTime} (default 0).
 * One that is not healthy within {@code healthyDeadline} (default 5 min) of its launch, or that
 * fails later, is terminated and replaced; after {@code maxReplacements} (default 3) such
 * replacements the rollout fails, and as soon as {@code max(1, maxReplacements)} failed for the
 * same cause in the provider's words (docs/engine.md, "Failure handling").
 *
 * <p>Worked example: desired 10, maxSurge 25% (= 3), maxUnavailable 0. Three new instances launch
 * at once; when the first is ready, serving capacity is 11, so one old instance drains; when it is
 * gone, total is 12 of the allowed 13 and a fourth new instance launches — and so on, one slot at a
 * time, never below 10 serving, never above 13 in all.
 *
 * <p>Zone by zone ({@link #withZones}, off by default): one zone at a time, a bake after each,
 * and a minimum of serving instances per zone; see {@link ZonalRollout}. Without zones the fleet
 * is one pool, whatever zones its instances report.
 *
 * @param maxSurge instances allowed above desired capacity
 * @param maxUnavailable serving instances allowed below desired capacity
 * @param minReadyTime how long a new instance must stay healthy before it counts as serving
 * @param healthyDeadline how long a new instance has to become healthy
 * @param maxReplacements how many failed new instances are replaced before the rollout fails
 * @param zones how to go zone by zone, if at all (empty: the whole fleet is one pool)
 */
public record RollingUpdate(
    Amount maxSurge,
    Amount maxUnavailable,
    Duration minReadyTime,
    Duration healthyDeadline,
    int maxReplacements,
    Optional<ZonalRollout> zones) implements Strategy {

  /** Validates the fields. */
  public RollingUpdate {
    Arguments.required(maxSurge, "maxSurge");
    Arguments.required(maxUnavailable, "maxUnavailable");
    Arguments.nonNegative(minReadyTime, "minReadyTime");
    Arguments.positive(healthyDeadline, "healthyDeadline");
    Arguments.nonNegative(maxReplacements, "maxReplacements");
    Arguments.optional(zones, "zones");
    if (maxSurge.value() == 0 && maxUnavailable.value() == 0) {
      throw new InvalidSpecException("maxSurge",
          "maxSurge and maxUnavailable are both 0: nothing could ever be replaced. Allow at least"
              + " one extra instance (maxSurge) or one missing instance (maxUnavailable)");
    }
    Amount min = zones.map(ZonalRollout::minHealthyPerZone).orElse(Amount.of(0));
    if (maxSurge.value() == 0 && min.percent() && min.value() == 100) {
      throw new InvalidSpecException("zones.minHealthyPerZone", "is 100% with maxSurge 0: no"
          + " instance of a zone could be drained before its replacement, and none could be"
          + " launched beside it, so nothing would ever be replaced. Allow maxSurge >= 1 or give"
          + " a lower minimum");
    }
  }

  /** A rolling update without zones: the whole fleet is one pool. */
  public RollingUpdate(Amount maxSurge, Amount maxUnavailable, Duration minReadyTime,
      Duration healthyDeadline, int maxReplacements) {
    this(maxSurge, maxUnavailable, minReadyTime, healthyDeadline, maxReplacements,
        Optional.empty());
  }

  /** @return the defaults: maxSurge 25%, maxUnavailable 0, minReadyTime 0, healthy within 5 min */
  public static RollingUpdate defaults() {
    return new RollingUpdate(Amount.percent(25), Amount.of(0), Duration.ZERO,
        Duration.ofMinutes(5), 3);
  }

  /** @return a rolling update with these limits and default timings */
  public static RollingUpdate of(Amount maxSurge, Amount maxUnavailable) {
    return defaults().withLimits(maxSurge, maxUnavailable);
  }

  @Override
  public String name() {
    return "rolling";
  }

  @Override
  public void validateFor(int desiredCapacity) {
    if (!maxUnavailable.percent() && desiredCapacity > 0
        && maxUnavailable.value() > desiredCapacity) {
      throw new InvalidSpecException("maxUnavailable", "is " + maxUnavailable.value()
          + " but the capacity is only " + desiredCapacity + ": at most " + desiredCapacity
          + " instances can ever be unavailable. Give a count up to the capacity or a percentage");
    }
    if (desiredCapacity > 0 && surge(desiredCapacity) == 0 && unavailable(desiredCapacity) == 0) {
      throw new InvalidSpecException("maxSurge",
          "maxSurge " + maxSurge + " and maxUnavailable " + maxUnavailable + " both resolve to 0 for"
              + " a capacity of " + desiredCapacity + ": nothing could ever be replaced. Raise one"
              + " of them or give a count");
    }
  }

  /** @return maxSurge resolved against {@code desired} (percentages round up) */
  public int surge(int desired) {
    return maxSurge.roundUp(desired);
  }

  /** @return maxUnavailable resolved against {@code desired} (percentages round down) */
  public int unavailable(int desired) {
    return Math.min(desired, maxUnavailable.roundDown(desired));
  }

  /** @return a copy with these limits */
  public RollingUpdate withLimits(Amount surge, Amount unavailable) {
    return new RollingUpdate(surge, unavailable, minReadyTime, healthyDeadline, maxReplacements,
        zones);
  }

  /** @return a copy with this minimum ready time */
  public RollingUpdate withMinReadyTime(Duration time) {
    return new RollingUpdate(maxSurge, maxUnavailable, time, healthyDeadline, maxReplacements,
        zones);
  }

  /** @return a copy with this healthy deadline */
  public RollingUpdate withHealthyDeadline(Duration deadline) {
    return new RollingUpdate(maxSurge, maxUnavailable, minReadyTime, deadline, maxReplacements,
        zones);
  }

  /** @return a copy with this replacement budget */
  public RollingUpdate withMaxReplacements(int replacements) {
    return new RollingUpdate(maxSurge, maxUnavailable, minReadyTime, healthyDeadline, replacements,
        zones);
  }

  /**
   * @param zonal how to go zone by zone
   * @return a copy that replaces one zone at a time (see {@link ZonalRollout})
   * @throws InvalidSpecException if the minimum can never be kept under these limits
   */
  public RollingUpdate withZones(ZonalRollout zonal) {
    return new RollingUpdate(maxSurge, maxUnavailable, minReadyTime, healthyDeadline,
        maxReplacements, Optional.of(Arguments.required(zonal, "zones")));
  }

  /** @return a copy that treats the whole fleet as one pool */
  public RollingUpdate withoutZones() {
    return new RollingUpdate(maxSurge, maxUnavailable, minReadyTime, healthyDeadline,
        maxReplacements, Optional.empty());
  }
}
