package dev.molt.benchmarks;

import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.Optional;

/**
 * The ideal makespan of a canary: the schedule that follows the canary's documented steps (see
 * {@code docs/strategies.md}, "Canary") and reacts to every change with zero delay. It shares no
 * code with the engine's planner; it reads the strategy's steps and limits and counts instances.
 *
 * <p>Notation: {@code N} desired instances (N old serving at time 0), {@code W = launch + healthy +
 * minReadyTime} (launch call → ready), {@code D = drain}, {@code s} and {@code u} the promotion's
 * maxSurge and maxUnavailable resolved against N, {@code c} the canary's size when the steps end.
 *
 * <ol>
 *   <li><b>Steps.</b> A {@code setWeight(p)} or {@code setScale} step sizes the canary, waits until
 *       all of it is ready, and then sets the split in one router call (no time). The documented
 *       count: the last {@code setScale(a)} at or before the step, {@code min(N, a rounded up)}
 *       (at least 1 while the weight is above 0); otherwise, from the weight, {@code
 *       ceil(N·p/100)} with a router and {@code max(1, round(N·p/(100−p)))} (at most N) without
 *       one, beside the full stable fleet; 100 % is N either way. The steps launch with no surge
 *       limit, so a step that grows the canary costs one {@code W}, and one that keeps its size
 *       costs nothing. A timed {@code pause(d)} costs {@code d} (it counts from the instant the
 *       step begins).
 *   <li><b>Promotion with a router.</b> The canary grows to N launching at most {@code max(1, s)}
 *       at a time: {@code ceil((N − c) / max(1, s))} waves of {@code W}; then one switch to 100 %
 *       (no time), and the stable fleet, off traffic and with N new instances serving, drains at
 *       once (the rolling limits allow all of it): {@code D}.
 *   <li><b>Promotion without a router.</b> A rolling update under the promotion limits, starting
 *       with {@code c} new instances ready: {@link RollingOracle#makespan(int, int, int, int,
 *       Latencies)}.
 * </ol>
 *
 * <pre>
 * ideal (router)    = Σ W over growing steps + Σ pauses + ceil((N − c) / max(1, s)) · W + D
 * ideal (no router) = Σ W over growing steps + Σ pauses + RollingOracle(N, s, u, c ready)
 * </pre>
 *
 * Steps whose time does not follow from the strategy alone are refused: an {@code analyze} (its
 * gates decide), a {@code pauseUntilResumed} (a person decides), and a step that shrinks the
 * canary (its drains would overlap later steps; no benchmark case needs it).
 */
public final class CanaryOracle {
  private CanaryOracle() {}

  /**
   * Computes the ideal makespan.
   *
   * @param n desired capacity, also the number of old instances at the start
   * @param canary the strategy: its steps and promotion limits
   * @param router whether the platform has a traffic router
   * @param latencies the fixed platform latencies
   * @return the ideal makespan; zero for an empty fleet
   * @throws IllegalArgumentException for a negative {@code n}, limits that cannot move {@code n},
   *     or a step the oracle cannot time (analyze, pause until resumed, shrinking the canary)
   */
  public static Duration makespan(int n, Canary canary, boolean router, Latencies latencies) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    if (n == 0) {
      return Duration.ZERO;
    }
    RollingUpdate promotion = canary.promotion();
    // W includes the min ready time: a new instance serves only once healthy for that long
    Latencies l = new Latencies(latencies.launch().plus(promotion.minReadyTime()),
        latencies.healthy(), latencies.drain());
    Duration elapsed = Duration.ZERO;
    int size = 0;
    int weight = 0;
    Optional<Amount> scale = Optional.empty();
    for (CanaryStep step : canary.steps()) {
      if (step instanceof CanaryStep.SetWeight w) {
        weight = w.percent();
      } else if (step instanceof CanaryStep.SetScale s) {
        scale = s.amount();
      } else if (step instanceof CanaryStep.Pause p && p.duration().isPresent()) {
        elapsed = elapsed.plus(p.duration().get());
        continue;
      } else {
        throw new IllegalArgumentException("the canary oracle cannot time the step '"
            + step.describe() + "': its length is not set by the strategy");
      }
      int next = canarySize(n, weight, scale, router);
      if (next < size) {
        throw new IllegalArgumentException("the canary oracle does not model a step that shrinks"
            + " the canary ('" + step.describe() + "': " + size + " -> " + next + ")");
      }
      if (next > size) {
        elapsed = elapsed.plus(l.untilReady());
        size = next;
      }
    }
    int surge = promotion.surge(n);
    int unavailable = promotion.unavailable(n);
    if (router) {
      int perWave = Math.max(1, surge);
      long waves = (n - size + perWave - 1) / perWave;
      return elapsed.plus(l.untilReady().multipliedBy(waves)).plus(l.drain());
    }
    return elapsed.plus(RollingOracle.makespan(n, surge, unavailable, size, l));
  }

  /**
   * How many canary instances a step runs, as documented: the last {@code setScale} amount if one
   * is in force (at least 1 while the weight is above 0), else enough to carry the weight.
   *
   * @param n desired capacity
   * @param percent the weight in force (0 before the first {@code setWeight})
   * @param scale the amount of the last {@code setScale}, empty if none or {@code
   *     matchTrafficScale()}
   * @param router whether the platform has a traffic router
   * @return the canary's size
   */
  static int canarySize(int n, int percent, Optional<Amount> scale, boolean router) {
    if (scale.isPresent()) {
      return Math.max(percent > 0 ? 1 : 0, Math.min(n, scale.get().roundUp(n)));
    }
    if (percent <= 0) {
      return 0;
    }
    if (router || percent >= 100) {
      return (int) Math.min(n, ((long) n * percent + 99) / 100); // ceil(n * percent / 100)
    }
    return Math.max(1, Math.min(n, (int) Math.round(n * (double) percent / (100 - percent))));
  }
}
