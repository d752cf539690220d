package dev.molt.benchmarks;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;

import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The strategy settings the {@code makespan} and {@code calls} suites run. */
public final class StrategyCases {
  private StrategyCases() {}

  /**
   * The default catalogue. Percentages scale with the fleet, so the number of waves (and of
   * observations) stays the same from 10 to 10,000 instances; that is what lets the calls suite
   * show that observing does not grow with N.
   *
   * @return the cases, in print order
   */
  public static List<StrategyCase> defaults() {
    return List.of(
        rolling("25%", "0"), // the default RollingUpdate
        rolling("5%", "0"), // many small waves
        rolling("0", "25%"), // replace in place: no extra capacity
        rolling("25%", "25%"), // overlapping launches and drains
        rolling("100%", "0"), // everything at once, like a blue-green without the traffic switch
        blueGreen(Duration.ofSeconds(30)), // the default BlueGreen
        blueGreen(Duration.ZERO),
        canaryWeights(), // 10%, 50%, 100% through the router
        canaryPreSized(), // canary sized first, then weights, then promotion in waves
        canaryWithoutRouter()); // replica ratio, promotion is a rolling update
  }

  /** The pause between two canary weights in the default canary cases. */
  static final Duration CANARY_PAUSE = Duration.ofMinutes(1);

  /**
   * A canary through the in-memory router: {@code setWeight(10), pause(1m), setWeight(50),
   * pause(1m), setWeight(100)}, default promotion limits. Each weight grows the canary (to 10 %,
   * 50 % and all of N), so its ideal is {@code 3·W + 2·pause + D}: the last weight leaves nothing
   * to promote but the stable drain.
   *
   * @return the case
   */
  public static StrategyCase canaryWeights() {
    return canary(true, "25%", "0", List.of(setWeight(10), pause(CANARY_PAUSE), setWeight(50),
        pause(CANARY_PAUSE), setWeight(100)));
  }

  /**
   * A pre-sized canary through the router: {@code setScale(25%), setWeight(5), pause(1m),
   * setWeight(20), pause(1m)}, then the final promotion. A quarter of the fleet launches at once
   * in the first step; the weights only switch traffic; the promotion launches the other three
   * quarters at most maxSurge (25 %) at a time: {@code W + 2·pause + 3·W + D}.
   *
   * @return the case
   */
  public static StrategyCase canaryPreSized() {
    return canary(true, "25%", "0", List.of(setScale(Amount.percent(25)), setWeight(5),
        pause(CANARY_PAUSE), setWeight(20), pause(CANARY_PAUSE)));
  }

  /**
   * A canary on a platform without a router: {@code setWeight(10), pause(1m), setWeight(25),
   * pause(1m)}. The replica ratio approximates the weights ({@code round(N/9)}, then {@code
   * round(N/3)} canary instances beside the full stable fleet), and the promotion is a rolling
   * update (25 % surge, 0 unavailable) that starts with the canary's instances ready.
   *
   * @return the case
   */
  public static StrategyCase canaryWithoutRouter() {
    return canary(false, "25%", "0", List.of(setWeight(10), pause(CANARY_PAUSE), setWeight(25),
        pause(CANARY_PAUSE)));
  }

  /**
   * A canary with these steps and promotion limits, no gates, and a healthy deadline of a day.
   * Its ideal is {@link CanaryOracle}.
   *
   * @param router whether the simulated platform has a traffic router
   * @param surge the promotion's maxSurge, a count or a percentage
   * @param unavailable the promotion's maxUnavailable
   * @param steps the steps: weights, scales and timed pauses (the oracle times no other step)
   * @return the case, printed as {@code router=on|off steps=<s>,<s>,... surge=.. unavailable=..}
   */
  public static StrategyCase canary(boolean router, String surge, String unavailable,
      List<CanaryStep> steps) {
    Amount maxSurge = Amount.parse(surge);
    Amount maxUnavailable = Amount.parse(unavailable);
    Canary canary = new Canary(steps, RollingUpdate.of(maxSurge, maxUnavailable)
        .withHealthyDeadline(Duration.ofDays(1)));
    String settings = "router=" + (router ? "on" : "off") + " steps="
        + String.join(",", steps.stream().map(StrategyCases::token).toList()) + " surge="
        + maxSurge + " unavailable=" + maxUnavailable;
    return new StrategyCase("canary", settings, n -> canary,
        (n, latencies) -> CanaryOracle.makespan(n, canary, router, latencies), router);
  }

  /** A step as one token without spaces: {@code weight10}, {@code pause60s}, {@code scale50%}. */
  private static String token(CanaryStep step) {
    if (step instanceof CanaryStep.SetWeight w) {
      return "weight" + w.percent();
    }
    if (step instanceof CanaryStep.Pause p) {
      return p.duration().map(d -> "pause" + Format.seconds(d)).orElse("hold");
    }
    if (step instanceof CanaryStep.SetScale s) {
      return s.amount().map(a -> "scale" + a).orElse("scale-match");
    }
    return step.describe().replace(' ', '-');
  }

  /**
   * A blue-green rollout with full preview, automatic promotion at once and no gates. Its ideal
   * follows from the documented steps: all green launches at 0 and is ready at {@code W}; the
   * switch is one router call at that instant; blue is kept {@code scaleDownDelay}, then drained
   * at once (the scale-down's rolling limits allow all of it, green serving in full) and gone
   * {@code D} later: {@code W + scaleDownDelay + D}.
   *
   * @param scaleDownDelay how long blue is kept after the switch
   * @return the case
   */
  public static StrategyCase blueGreen(Duration scaleDownDelay) {
    return new StrategyCase("blue-green", "preview=100% scale_down_delay="
        + Format.seconds(scaleDownDelay),
        n -> BlueGreen.defaults().withScaleDownDelay(scaleDownDelay)
            .withHealthyDeadline(Duration.ofDays(1)),
        (n, l) -> n == 0 ? Duration.ZERO : l.untilReady().plus(scaleDownDelay).plus(l.drain()));
  }

  /**
   * The default cases, or those of one strategy.
   *
   * @param strategy the strategy name to keep, if any
   * @return the cases
   * @throws UsageException if no case has that strategy
   */
  public static List<StrategyCase> select(Optional<String> strategy) {
    List<StrategyCase> all = defaults();
    if (strategy.isEmpty()) {
      return all;
    }
    List<StrategyCase> kept = all.stream().filter(c -> c.strategy().equals(strategy.get()))
        .toList();
    if (kept.isEmpty()) {
      throw new UsageException("--strategy " + strategy.get() + " matches no case; strategies: "
          + all.stream().map(StrategyCase::strategy).distinct().toList());
    }
    return kept;
  }

  /**
   * A rolling update with these limits, min ready time 0 and a healthy deadline of a day (no
   * benchmark instance is late; the deadline must never be what ends a wave).
   *
   * @param surge maxSurge, a count or a percentage
   * @param unavailable maxUnavailable, a count or a percentage
   * @return the case; its oracle is {@link RollingOracle}
   */
  public static StrategyCase rolling(String surge, String unavailable) {
    Amount maxSurge = Amount.parse(surge);
    Amount maxUnavailable = Amount.parse(unavailable);
    return new StrategyCase("rolling", "surge=" + maxSurge + " unavailable=" + maxUnavailable,
        n -> RollingUpdate.of(maxSurge, maxUnavailable).withHealthyDeadline(Duration.ofDays(1)),
        (n, latencies) -> RollingOracle.makespan(n, maxSurge.roundUp(n),
            Math.min(n, maxUnavailable.roundDown(n)), latencies));
  }
}
