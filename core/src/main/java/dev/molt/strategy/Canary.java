package dev.molt.strategy;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.util.List;

/**
 * A canary: the new revision gets a slice of traffic, step by step, while gates judge it. With a
 * traffic router the weights are exact and the canary is scaled to carry its share (rounded up);
 * without one the replica ratio approximates them and the rollout reports the effective weight.
 * After the last step the canary is promoted: scaled to full capacity, given all traffic in one
 * switch, and the stable fleet is then drained under {@code promotion}'s rolling limits. Without a
 * router, promotion is a rolling update under those limits.
 *
 * <pre>{@code
 * Canary.of(setWeight(10), pause(Duration.ofMinutes(10)), analyze(Analysis.of(gate)),
 *     setWeight(50), pause(Duration.ofMinutes(10)), setWeight(100))
 * }</pre>
 *
 * @param steps the steps, in order: at least one (to replace at once, use a {@link RollingUpdate})
 * @param promotion the rolling limits and health deadline for the canary's instances and the final
 *     promotion (default {@link RollingUpdate#defaults()})
 */
public record Canary(List<CanaryStep> steps, RollingUpdate promotion) implements Strategy {

  /**
   * Validates and copies the fields.
   *
   * @throws InvalidSpecException if there are no steps, if a set-weight is below an earlier one,
   *     or if a fresh-baseline analysis has no set-weight or set-scale before it, or follows a
   *     weight above 50 % (canary and baseline each carry the weight)
   */
  public Canary {
    steps = Arguments.copyOf(steps, "steps");
    Arguments.required(promotion, "promotion");
    if (promotion.zones().isPresent()) {
      throw new InvalidSpecException("promotion.zones", "a canary's promotion does not go zone by"
          + " zone: its traffic moves by weight over the whole fleet. Leave zones out of the"
          + " promotion, or roll out with a zonal RollingUpdate instead");
    }
    if (steps.isEmpty()) {
      throw new InvalidSpecException("steps", "a canary needs at least one step, such as"
          + " setWeight(10): with none it would promote the new revision at once. To replace"
          + " without a canary, use RollingUpdate or BlueGreen");
    }
    checkWeights(steps);
    checkFreshBaselines(steps);
  }

  /** Weights only grow: a step that lowers the canary's share is an abort, not a step. */
  private static void checkWeights(List<CanaryStep> steps) {
    int weight = 0;
    int at = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof CanaryStep.SetWeight w) {
        if (w.percent() < weight) {
          throw new InvalidSpecException("steps[" + i + "].setWeight", "must not be below the"
              + " weight of steps[" + at + "] (" + weight + "%), was " + w.percent() + "%: a"
              + " canary's share only grows; to take traffic back, abort or undo the rollout");
        }
        weight = w.percent();
        at = i;
      }
    }
  }

  private static void checkFreshBaselines(List<CanaryStep> steps) {
    boolean sized = false;
    int weight = 0;
    for (int i = 0; i < steps.size(); i++) {
      CanaryStep step = steps.get(i);
      if (step instanceof CanaryStep.SetWeight w) {
        weight = w.percent();
      }
      sized |= step instanceof CanaryStep.SetWeight || step instanceof CanaryStep.SetScale;
      if (step instanceof CanaryStep.Analyze a && a.freshBaseline()) {
        if (!sized) {
          throw new InvalidSpecException("steps[" + i + "]", "a fresh baseline is as large as"
              + " the canary, and there is no canary yet: put setWeight or setScale before it");
        }
        if (weight > 50) {
          throw new InvalidSpecException("steps[" + i + "]", "a fresh baseline takes the"
              + " canary's weight from the stable share, so the canary may carry at most 50%,"
              + " was " + weight + "%: analyze with a fresh baseline at a lower weight");
        }
      }
    }
  }

  /** @return a canary of these steps with default promotion limits */
  public static Canary of(CanaryStep... steps) {
    return new Canary(List.of(Arguments.required(steps, "steps")), RollingUpdate.defaults());
  }

  /** @return a copy with these promotion limits */
  public Canary withPromotion(RollingUpdate limits) {
    return new Canary(steps, limits);
  }

  /** @return a copy with these steps */
  public Canary withSteps(List<CanaryStep> newSteps) {
    return new Canary(newSteps, promotion);
  }

  @Override
  public String name() {
    return "canary";
  }

  @Override
  public void validateFor(int desiredCapacity) {
    try {
      promotion.validateFor(desiredCapacity);
    } catch (InvalidSpecException e) {
      throw e.within("promotion");
    }
  }
}
