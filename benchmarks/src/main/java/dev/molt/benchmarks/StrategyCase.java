package dev.molt.benchmarks;

import dev.molt.InvalidSpecException;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * One strategy setting to benchmark at every fleet size: how to build the strategy for a fleet of
 * {@code n}, and the oracle that gives the ideal makespan for it. A new strategy (blue-green,
 * canary) joins the suites by adding one such case, with its own oracle, to {@link
 * StrategyCases#defaults()}.
 *
 * @param strategy the strategy name printed as {@code strategy=...}
 * @param settings its settings as {@code key=value} pairs separated by spaces, printed as they are
 * @param strategyFor builds the strategy for a fleet of {@code n}
 * @param ideal the ideal makespan for a fleet of {@code n} under given latencies
 * @param router whether the simulated platform has a traffic router (the in-memory provider's);
 *     without one it is built {@code withoutRouter()}, and weights are approximated by replicas
 */
public record StrategyCase(
    String strategy, String settings, IntFunction<Strategy> strategyFor, IdealMakespan ideal,
    boolean router) {

  /** Rejects missing parts. */
  public StrategyCase {
    if (strategy == null || strategy.isBlank() || settings == null || strategyFor == null
        || ideal == null) {
      throw new IllegalArgumentException("a strategy case needs a name, settings, a strategy and"
          + " an oracle");
    }
  }

  /**
   * A case on a platform with a traffic router, as the in-memory provider has by default.
   *
   * @param strategy the strategy name printed as {@code strategy=...}
   * @param settings its settings as {@code key=value} pairs separated by spaces
   * @param strategyFor builds the strategy for a fleet of {@code n}
   * @param ideal the ideal makespan for a fleet of {@code n} under given latencies
   */
  public StrategyCase(String strategy, String settings, IntFunction<Strategy> strategyFor,
      IdealMakespan ideal) {
    this(strategy, settings, strategyFor, ideal, true);
  }

  /**
   * Builds and checks the strategy for a fleet of {@code n}.
   *
   * @param n the fleet size
   * @return the strategy
   * @throws UsageException if its limits cannot move a fleet of that size (both resolve to 0)
   */
  public Strategy build(int n) {
    Strategy s = strategyFor.apply(n);
    try {
      s.validateFor(n);
    } catch (InvalidSpecException e) {
      throw new UsageException(strategy + " " + settings + " cannot roll a fleet of " + n + ": "
          + e.getMessage() + "; choose other --sizes");
    }
    return s;
  }

  /** The ideal makespan of a strategy setting: an oracle independent of the engine. */
  @FunctionalInterface
  public interface IdealMakespan {
    /**
     * @param n the fleet size (old instances at the start, new ones at the end)
     * @param latencies the fixed platform latencies
     * @return the makespan of the fastest schedule that obeys the strategy's limits
     */
    Duration of(int n, Latencies latencies);
  }
}
