package dev.molt.testkit.conformance;

import dev.molt.Instance;
import dev.molt.engine.RetrySettings;
import dev.molt.internal.FleetObserver;
import dev.molt.internal.ProviderCalls;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;

/**
 * A fleet as a rollout sees it: the engine's own observation path (list, keep what Molt owns,
 * judge health, merge the verdicts and date healthy streaks, with the engine's retries), so a
 * contract asserts what the planners are given rather than a second model of it. Keeps, as a
 * rollout does, what it saw from one observation to the next. Not thread-safe.
 */
final class EngineObservation {
  private final FleetObserver observer;
  private final Scheduler scheduler;
  private final String fleet;

  EngineObservation(Provider provider, String fleet, Clock clock, Scheduler scheduler) {
    this.observer = new FleetObserver(provider,
        new ProviderCalls(scheduler, RetrySettings.defaults(), new Random(0)), clock);
    this.scheduler = scheduler;
    this.fleet = fleet;
  }

  /**
   * Observes the fleet once.
   *
   * @param id the instance wanted
   * @return it as the engine sees it now, if the fleet holds it
   */
  Optional<Instance> observe(String id) {
    return scheduler.await(observer.observe(fleet, 1)).instances().stream()
        .filter(i -> i.id().equals(id)).findFirst();
  }
}
