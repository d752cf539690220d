package dev.molt.strategy;

import dev.molt.InvalidSpecException;
import dev.molt.gate.Analysis;
import dev.molt.Arguments;
import java.time.Duration;
import java.util.Optional;

/**
 * Blue-green: the new ("green") fleet is launched in full beside the old ("blue") one with no
 * production traffic, checked by pre-promotion gates, promoted by one atomic switch of all traffic,
 * checked again by post-promotion gates (a failure switches traffic straight back), and blue is
 * kept for {@code scaleDownDelay} so that undo is one traffic switch; then blue is destroyed.
 * Needs a traffic router for the switch to be atomic; without one the switch happens when blue
 * is drained after the delay.
 *
 * @param previewSize how many green instances to run before promotion (empty: full capacity);
 *     the rest launch on promotion
 * @param manualPromotion whether promotion waits for {@code promote()} (default false)
 * @param promotionDelay with automatic promotion, how long green waits ready before the switch
 *     (default zero: at once)
 * @param prePromotion the gate run before the switch, if any
 * @param postPromotion the gate run after the switch, if any
 * @param scaleDownDelay how long blue is kept after the switch (default 30 s)
 * @param healthyDeadline how long a green instance may take to become healthy (default 5 min)
 */
public record BlueGreen(
    Optional<Amount> previewSize,
    boolean manualPromotion,
    Duration promotionDelay,
    Optional<Analysis> prePromotion,
    Optional<Analysis> postPromotion,
    Duration scaleDownDelay,
    Duration healthyDeadline) implements Strategy {

  /** Validates the fields. */
  public BlueGreen {
    Arguments.optional(previewSize, "previewSize");
    Arguments.nonNegative(promotionDelay, "promotionDelay");
    Arguments.optional(prePromotion, "prePromotion");
    Arguments.optional(postPromotion, "postPromotion");
    Arguments.nonNegative(scaleDownDelay, "scaleDownDelay");
    Arguments.positive(healthyDeadline, "healthyDeadline");
  }

  /** @return full preview, automatic promotion at once, no gates, blue kept 30 s, deadline 5 min */
  public static BlueGreen defaults() {
    return new BlueGreen(Optional.empty(), false, Duration.ZERO, Optional.empty(),
        Optional.empty(), Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  /** @return a copy whose promotion waits for {@code promote()} */
  public BlueGreen withManualPromotion() {
    return new BlueGreen(previewSize, true, promotionDelay, prePromotion, postPromotion,
        scaleDownDelay, healthyDeadline);
  }

  /** @return a copy promoting automatically {@code delay} after green is ready */
  public BlueGreen withAutoPromotionAfter(Duration delay) {
    return new BlueGreen(previewSize, false, delay, prePromotion, postPromotion, scaleDownDelay,
        healthyDeadline);
  }

  /** @return a copy running only {@code size} green instances before promotion */
  public BlueGreen withPreviewSize(Amount size) {
    return new BlueGreen(Optional.of(size), manualPromotion, promotionDelay, prePromotion,
        postPromotion, scaleDownDelay, healthyDeadline);
  }

  /** @return a copy with these gates before and after the switch (either may be empty) */
  public BlueGreen withAnalyses(Optional<Analysis> before, Optional<Analysis> after) {
    return new BlueGreen(previewSize, manualPromotion, promotionDelay, before, after,
        scaleDownDelay, healthyDeadline);
  }

  /** @return a copy keeping blue this long after the switch */
  public BlueGreen withScaleDownDelay(Duration delay) {
    return new BlueGreen(previewSize, manualPromotion, promotionDelay, prePromotion,
        postPromotion, delay, healthyDeadline);
  }

  /** @return a copy with this healthy deadline for green instances */
  public BlueGreen withHealthyDeadline(Duration deadline) {
    return new BlueGreen(previewSize, manualPromotion, promotionDelay, prePromotion,
        postPromotion, scaleDownDelay, deadline);
  }

  /** @return the number of green instances before promotion, for {@code desired} */
  public int previewCount(int desired) {
    return previewSize.map(a -> Math.min(desired, a.roundUp(desired))).orElse(desired);
  }

  @Override
  public String name() {
    return "blue-green";
  }

  @Override
  public void validateFor(int desiredCapacity) {
    if (previewSize.isPresent() && desiredCapacity > 0 && previewCount(desiredCapacity) == 0) {
      throw new InvalidSpecException("previewSize", previewSize.get() + " of " + desiredCapacity
          + " is no instance: green could not be checked before promotion");
    }
  }
}
