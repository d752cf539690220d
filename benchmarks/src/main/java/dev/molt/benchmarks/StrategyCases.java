package dev.molt.benchmarks;

import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
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
        blueGreen(Duration.ZERO));
    // canary: add its cases here, with an oracle written from its documented steps
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
