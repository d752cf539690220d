package dev.molt.engine;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Observes a fleet: lists it, keeps only what Molt owns, asks for health and merges the verdicts
 * into the instance states. Only a {@code HEALTHY} instance carries a {@code healthySince}: the
 * start of its current healthy streak, which readiness ({@code minReadyTime}) counts from.
 *
 * <ul>
 *   <li>Any observation that is not healthy (an unhealthy or unknown verdict, no verdict, any
 *       state but running) ends the streak.
 *   <li>A provider that reports the streak's start is believed, unless it is not after the last
 *       moment this observer saw the instance not healthy: such a report is stale (a first
 *       healthy moment, a platform that missed the failure, a timestamp rounded down), and the
 *       streak then starts when this observer first saw it healthy again.
 *   <li>For a provider that reports nothing, the streak starts when this observer first saw the
 *       instance healthy, and that memory is kept from one observation to the next.
 * </ul>
 *
 * Each of these errs late, never early: a streak seen late only delays readiness. After an engine
 * restart the memory starts again, with the same effect.
 */
final class FleetObserver {
  private static final Seen UNSEEN = new Seen(Optional.empty(), Optional.empty());
  private final Provider provider;
  private final ProviderCalls calls;
  private final Clock clock;
  private final Map<String, Seen> seen = new HashMap<>(); // guarded by this

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
    // updated in place, one shared "not healthy now" for the observation: this runs for every
    // instance of the fleet at every poll, so it allocates only for what changed
    Seen notHealthyNow = new Seen(Optional.of(now), Optional.empty());
    for (Instance i : owned) {
      Seen before = seen.getOrDefault(i.id(), UNSEEN);
      Health h = judgeable(i) ? verdicts.getOrDefault(i.id(), Health.UNKNOWN) : Health.UNKNOWN;
      if (h == Health.HEALTHY) {
        Instant since = streakStart(i, before, now);
        Seen next = before.healthySince().filter(since::equals).isPresent() ? before
            : new Seen(before.notHealthyAt(), Optional.of(since));
        if (next != before) {
          seen.put(i.id(), next);
        }
        merged.add(with(i, InstanceState.HEALTHY, next.healthySince()));
      } else {
        seen.put(i.id(), notHealthyNow);
        InstanceState state = !judgeable(i) ? i.state()
            : h == Health.UNHEALTHY ? InstanceState.UNHEALTHY : InstanceState.RUNNING;
        merged.add(with(i, state, Optional.empty()));
      }
    }
    if (seen.size() > owned.size()) { // every owned id is in: the rest are gone
      Set<String> ids = new HashSet<>(owned.size() * 4 / 3 + 16);
      owned.forEach(i -> ids.add(i.id()));
      seen.keySet().retainAll(ids);
    }
    return new Fleet(fleet, desired, merged, weights); // one snapshot: it sorts every instance
  }

  /**
   * The provider's report, unless it is not after a moment this observer saw the instance not
   * healthy; else this observer's own memory of the streak; else now.
   */
  private static Instant streakStart(Instance i, Seen before, Instant now) {
    Optional<Instant> reported = i.healthySince()
        .filter(s -> before.notHealthyAt().map(s::isAfter).orElse(true));
    return reported.orElseGet(() -> before.healthySince().orElse(now));
  }

  /**
   * What this observer saw of one instance: the last time it was not healthy, and the start of
   * the healthy streak it is in (always after that time).
   */
  private record Seen(Optional<Instant> notHealthyAt, Optional<Instant> healthySince) {}

  /** One copy at most per instance and observation: this runs for every instance of the fleet. */
  private static Instance with(Instance i, InstanceState state, Optional<Instant> healthySince) {
    if (i.state() == state && i.healthySince().equals(healthySince)) {
      return i;
    }
    return new Instance(i.id(), i.fleet(), i.revision(), i.address(), state, i.launchedAt(),
        i.stateSince(), healthySince, i.labels());
  }
}
