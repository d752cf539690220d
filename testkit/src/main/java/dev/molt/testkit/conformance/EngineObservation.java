package dev.molt.testkit.conformance;

import dev.molt.Instance;
import dev.molt.engine.RolloutEngine;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.util.Optional;

/**
 * A fleet as a rollout sees it: the engine's own observation path ({@link RolloutEngine#observe},
 * which lists, keeps what Molt owns, judges health, merges the verdicts and dates healthy streaks,
 * with the engine's retries), so a contract asserts what the planners are given rather than a
 * second model of it. Keeps, as a rollout does, what it saw from one observation to the next.
 */
final class EngineObservation {
  private final RolloutEngine engine;
  private final String fleet;

  EngineObservation(Provider provider, String fleet, Clock clock, Scheduler scheduler) {
    this.engine = RolloutEngine.builder(provider).clock(clock).scheduler(scheduler).build();
    this.fleet = fleet;
  }

  /**
   * Observes the fleet once.
   *
   * @param id the instance wanted
   * @return it as the engine sees it now, if the fleet holds it
   */
  Optional<Instance> observe(String id) {
    return engine.observe(fleet).instances().stream()
        .filter(i -> i.id().equals(id)).findFirst();
  }
}
