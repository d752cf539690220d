package dev.molt.internal;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import dev.molt.Revision;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Observes a fleet: lists it, keeps only what Molt owns, asks for health and merges the verdicts
 * into the instance states. Remembers when each instance was first seen healthy, for providers
 * that cannot say (after an engine restart that memory starts again, which only delays readiness).
 * Not API.
 */
public final class FleetObserver {
  private final Provider provider;
  private final ProviderCalls calls;
  private final Clock clock;
  private Map<String, Instant> healthySeen = new HashMap<>(); // guarded by this

  /**
   * @param provider the platform
   * @param calls the resilient call path
   * @param clock the engine's clock
   */
  public FleetObserver(Provider provider, ProviderCalls calls, Clock clock) {
    this.provider = provider;
    this.calls = calls;
    this.clock = clock;
  }

  /**
   * Observes the fleet now.
   *
   * @param fleet the fleet name
   * @param desired its desired capacity
   * @return the snapshot
   */
  public CompletableFuture<Fleet> observe(String fleet, int desired) {
    return calls.call("observe", "fleet " + fleet, () -> provider.observe(fleet))
        .thenCompose(listed -> {
          List<Instance> owned = listed.stream()
              .filter(i -> i.fleet().equals(fleet) && OwnerLabels.isOwned(i.labels(), fleet)
                  && i.state() != InstanceState.TERMINATED)
              .toList();
          List<Instance> running = owned.stream().filter(FleetObserver::judgeable).toList();
          CompletableFuture<Map<String, Health>> health = running.isEmpty()
              ? CompletableFuture.completedFuture(Map.of())
              : calls.call("health", "fleet " + fleet, () -> provider.health(fleet, running));
          return health.thenCombine(traffic(fleet),
              (verdicts, weights) -> merge(fleet, desired, owned, verdicts, weights));
        });
  }

  /** The split in force, from the platform's router; empty without one. */
  private CompletableFuture<Map<Revision, Integer>> traffic(String fleet) {
    return provider.router()
        .map(router -> calls.call("weights", "fleet " + fleet, () -> router.weights(fleet)))
        .orElseGet(() -> CompletableFuture.completedFuture(Map.of()));
  }

  private static boolean judgeable(Instance i) {
    return i.state() == InstanceState.RUNNING || i.state() == InstanceState.HEALTHY
        || i.state() == InstanceState.UNHEALTHY;
  }

  private synchronized Fleet merge(String fleet, int desired, List<Instance> owned,
      Map<String, Health> verdicts, Map<Revision, Integer> weights) {
    Instant now = clock.instant();
    List<Instance> merged = new ArrayList<>(owned.size());
    Map<String, Instant> stillHealthy = new HashMap<>(healthySeen.size() * 4 / 3 + 16);
    for (Instance i : owned) {
      Instance m = i;
      if (judgeable(i)) {
        Health h = verdicts.getOrDefault(i.id(), Health.UNKNOWN);
        if (h == Health.HEALTHY) {
          Optional<Instant> since = i.healthySince().isPresent() ? i.healthySince()
              : Optional.of(healthySeen.getOrDefault(i.id(), now));
          stillHealthy.put(i.id(), since.get());
          m = with(i, InstanceState.HEALTHY, since);
        } else {
          m = with(i, h == Health.UNHEALTHY ? InstanceState.UNHEALTHY : InstanceState.RUNNING,
              Optional.empty());
        }
      }
      merged.add(m);
    }
    healthySeen = stillHealthy;
    return new Fleet(fleet, desired, merged, weights); // one snapshot: it sorts every instance
  }

  /** One copy at most per instance and observation: this runs for every instance of the fleet. */
  private static Instance with(Instance i, InstanceState state, Optional<Instant> healthySince) {
    if (i.state() == state && i.healthySince().equals(healthySince)) {
      return i;
    }
    return new Instance(i.id(), i.fleet(), i.revision(), i.address(), state, i.launchedAt(),
        i.stateSince(), healthySince, i.labels());
  }
}
