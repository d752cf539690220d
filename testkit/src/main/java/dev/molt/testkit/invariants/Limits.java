package dev.molt.testkit.invariants;

import dev.molt.InvalidSpecException;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;

/**
 * The capacity a strategy promises to keep: at least {@code floor} healthy instances serving, at
 * most {@code ceiling} instances in all (launching, serving and draining).
 *
 * @param floor the fewest serving instances the strategy may leave
 * @param ceiling the most instances the strategy may run at once
 */
public record Limits(int floor, int ceiling) {

  /**
   * The limits of a rollout's strategy at its capacity, on a platform with a traffic router.
   *
   * @param spec the rollout
   * @return its limits
   * @throws InvalidSpecException naming {@code strategy} for a strategy the test kit does not know
   */
  public static Limits of(RolloutSpec spec) {
    return of(spec, true);
  }

  /**
   * The limits of a rollout's strategy at its capacity {@code c}:
   *
   * <ul>
   *   <li>rolling: {@code c - maxUnavailable} and {@code c + maxSurge};
   *   <li>blue-green: {@code c} (blue serves whole until the switch, green whole after it) and
   *       {@code 2c} (green launched in full beside blue);
   *   <li>canary with a router: {@code c} (the stable fleet serves whole until the switch, the
   *       canary whole after it) and {@code c + max(c, promotion maxSurge)} (the canary is scaled
   *       to full capacity beside the stable fleet before the switch);
   *   <li>canary without a router: {@code c - promotion maxUnavailable} (the promotion is a rolling
   *       update) and the same ceiling.
   * </ul>
   *
   * A canary with fresh-baseline analyses adds its largest baseline to the ceiling: a baseline is
   * as large as the canary at the step that sized it (a set-scale amount, else {@code ceil(c * w /
   * 100)} with a router, {@code round(c * w / (100 - w))} without), and it is never stable
   * capacity, so the floor is unchanged.
   *
   * @param spec the rollout
   * @param routed whether the platform gives the engine a traffic router
   * @return its limits
   * @throws InvalidSpecException naming {@code strategy} for a strategy the test kit does not know
   */
  public static Limits of(RolloutSpec spec, boolean routed) {
    Strategy strategy = spec.strategy();
    int c = spec.capacity();
    if (strategy instanceof RollingUpdate rolling) {
      return new Limits(c - rolling.unavailable(c), c + rolling.surge(c));
    }
    if (strategy instanceof BlueGreen) {
      return new Limits(c, 2 * c);
    }
    if (strategy instanceof Canary canary) {
      RollingUpdate promotion = canary.promotion();
      return new Limits(routed ? c : c - promotion.unavailable(c),
          c + Math.max(c, promotion.surge(c)) + largestBaseline(canary, c, routed));
    }
    throw new InvalidSpecException("strategy", "the test kit knows no capacity limits for strategy "
        + strategy.name() + "; add them to Limits.of");
  }

  /** The most instances a fresh baseline of {@code canary} runs at capacity {@code c}. */
  private static int largestBaseline(Canary canary, int c, boolean routed) {
    int largest = 0;
    int weight = 0;
    int scale = -1; // the last set-scale amount in force, -1 for "match the weight"
    for (CanaryStep step : canary.steps()) {
      if (step instanceof CanaryStep.SetWeight w) {
        weight = w.percent();
      } else if (step instanceof CanaryStep.SetScale s) {
        scale = s.amount().map(a -> Math.min(c, a.roundUp(c))).orElse(-1);
      } else if (step instanceof CanaryStep.Analyze a && a.freshBaseline()) {
        int byWeight = weight == 0 ? 0 : routed ? (int) Math.ceil(c * weight / 100.0)
            : Math.max(1, (int) Math.round(c * (double) weight / (100 - weight)));
        int size = scale >= 0 ? Math.max(weight > 0 ? 1 : 0, scale) : byWeight;
        largest = Math.max(largest, Math.min(c, size));
      }
    }
    return largest;
  }

  /**
   * The limits once all traffic was switched to the new revision. The same as {@link #of(RolloutSpec,
   * boolean)} except for a canary, whose stable fleet is then drained (and, on a rollback,
   * relaunched) as a rolling update under its promotion limits: floor {@code c - promotion
   * maxUnavailable}.
   *
   * @param spec the rollout
   * @param routed whether the platform gives the engine a traffic router
   * @return its limits after the switch
   * @throws InvalidSpecException naming {@code strategy} for a strategy the test kit does not know
   */
  public static Limits afterSwitch(RolloutSpec spec, boolean routed) {
    Limits before = of(spec, routed);
    if (spec.strategy() instanceof Canary canary) {
      int c = spec.capacity();
      return new Limits(c - canary.promotion().unavailable(c), before.ceiling());
    }
    return before;
  }
}
