package dev.molt.testkit.invariants;

import dev.molt.InvalidSpecException;
import dev.molt.rollout.RolloutSpec;
import dev.molt.gate.Analysis;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.Optional;

/**
 * How long one run of a rollout may take before it must have reached a terminal phase: the {@link
 * InvariantChecker}'s liveness bound. Every step that makes progress must make it within the
 * progress deadline (and drain within the drain timeout), the strategy's own waits (pauses,
 * promotion and scale-down delays, minimum ready times, analysis deadlines {@link
 * Analysis#deadline()}) add to it, the whole twice over for a rollback after a late failure, plus
 * what the environment adds ({@code extra}: faults until they stop, an engine's downtime after a
 * crash, a person's pauses).
 *
 * @param bound the longest a run may take, from its first event to its terminal one
 * @param explanation how the bound was computed, for violation lines
 */
public record Liveness(Duration bound, String explanation) {

  /** Validates the fields. */
  public Liveness {
    if (bound == null || explanation == null || bound.isNegative()) {
      throw new InvalidSpecException("liveness", "a non-negative bound and an explanation are"
          + " required");
    }
  }

  /**
   * The bound of a run of {@code spec}.
   *
   * @param spec the rollout
   * @param extra what the environment adds, already summed
   * @param extraWhy what {@code extra} is made of, for the explanation
   * @return the bound
   */
  public static Liveness of(RolloutSpec spec, Duration extra, String extraWhy) {
    int steps = steps(spec) + 2;
    Duration perStep = spec.progressDeadline().plus(spec.drainTimeout());
    Duration waits = waits(spec);
    Duration one = perStep.multipliedBy(steps).plus(waits);
    Duration bound = one.multipliedBy(2).plus(extra);
    return new Liveness(bound, "bound " + bound + " = 2 x (" + steps + " steps x (progressDeadline "
        + spec.progressDeadline() + " + drainTimeout " + spec.drainTimeout() + ") + strategy waits "
        + waits + ") + " + extraWhy + " " + extra);
  }

  private static int steps(RolloutSpec spec) {
    int c = spec.capacity();
    if (spec.strategy() instanceof Canary canary) {
      return canary.steps().size() + c + 1;
    }
    if (spec.strategy() instanceof BlueGreen) {
      return 4;
    }
    return c;
  }

  private static Duration waits(RolloutSpec spec) {
    if (spec.strategy() instanceof RollingUpdate rolling) {
      return rolling(rolling, spec.capacity());
    }
    if (spec.strategy() instanceof BlueGreen bg) {
      return bg.promotionDelay().plus(bg.scaleDownDelay()).plus(bg.healthyDeadline())
          .plus(deadline(bg.prePromotion())).plus(deadline(bg.postPromotion()));
    }
    if (spec.strategy() instanceof Canary canary) {
      Duration sum = rolling(canary.promotion(), spec.capacity());
      for (CanaryStep step : canary.steps()) {
        if (step instanceof CanaryStep.Pause pause) {
          sum = sum.plus(pause.duration().orElse(Duration.ZERO));
        } else if (step instanceof CanaryStep.Analyze analyze) {
          sum = sum.plus(analyze.analysis().deadline());
        }
      }
      return sum;
    }
    return Duration.ZERO;
  }

  private static Duration rolling(RollingUpdate rolling, int capacity) {
    return rolling.healthyDeadline().plus(rolling.minReadyTime().multipliedBy(capacity + 1L));
  }

  private static Duration deadline(Optional<Analysis> analysis) {
    return analysis.map(Analysis::deadline).orElse(Duration.ZERO);
  }
}
