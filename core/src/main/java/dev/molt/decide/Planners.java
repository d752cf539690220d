package dev.molt.decide;

import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.strategy.ZonalRollout;
import java.time.Duration;

/**
 * Maps a strategy description to its planners. Every planner sees the fleet without any fresh
 * baseline (a canary's within its analysis window excepted) and removes what is left of one, so
 * none counts a baseline as capacity or leaves it behind ({@link FreshBaseline}). Not API.
 */
public final class Planners {
  private Planners() {}

  /** @return the planner that moves the fleet forward under {@code strategy} */
  public static Planner forStrategy(Strategy strategy) {
    if (strategy instanceof RollingUpdate rolling) {
      return FreshBaseline.sweeping(new EvenTrafficPlanner(rolling(rolling, false)));
    }
    if (strategy instanceof Canary canary) {
      return new CanaryPlanner(canary); // keeps its fresh baselines apart itself
    }
    if (strategy instanceof BlueGreen blueGreen) {
      return FreshBaseline.sweeping(new BlueGreenPlanner(blueGreen));
    }
    throw new IllegalArgumentException("no planner for strategy " + strategy.name());
  }

  /**
   * The planner that returns the fleet to its previous revision: a rolling update under the same
   * limits, so a rollback never drops capacity further than the rollout itself could; for
   * blue-green and canary, preceded by one switch of all traffic back to the previous revision.
   * The replacement budget does not apply: a rollback is the way back to a known state, so a
   * relaunch of the previous revision that fails is replaced again, and the rollback's progress
   * deadline is what bounds it.
   */
  public static Planner rollback(Strategy strategy) {
    if (strategy instanceof RollingUpdate rolling) {
      return FreshBaseline.sweeping(new EvenTrafficPlanner(rolling(unbudgeted(rolling), true)));
    }
    if (strategy instanceof Canary canary) {
      return FreshBaseline.sweeping(new TrafficRollbackPlanner(unbudgeted(canary.promotion())));
    }
    if (strategy instanceof BlueGreen blueGreen) {
      return FreshBaseline.sweeping(new TrafficRollbackPlanner(unbudgeted(RollingUpdate
          .defaults().withHealthyDeadline(blueGreen.healthyDeadline()))));
    }
    throw new IllegalArgumentException("no rollback planner for strategy " + strategy.name());
  }

  /**
   * The rolling planner, zone by zone when the strategy has zones; a rollback keeps the zones and
   * their minimum but bakes no zone: it is the way back to a known state.
   */
  private static Planner rolling(RollingUpdate rolling, boolean rollback) {
    return rolling.zones()
        .<Planner>map(z -> new ZonalPlanner(rolling, rollback ? ZonalRollout.of(Duration.ZERO,
            z.minHealthyPerZone()) : z))
        .orElseGet(() -> new RollingPlanner(rolling));
  }

  private static RollingUpdate unbudgeted(RollingUpdate limits) {
    return limits.withMaxReplacements(Integer.MAX_VALUE);
  }

  /**
   * The planner that removes the new revision and nothing else, for a rollback whose previous
   * revision cannot be relaunched: old instances keep serving as they are.
   */
  public static Planner removeRevision() {
    return FreshBaseline.sweeping(new RemoveRevisionPlanner());
  }
}
