package dev.molt.engine;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an engine's rollouts in its {@link RolloutStore} and its fleet leases alive: saves a record
 * after every event (it is the first listener), renews each lease every third of its time to live
 * while the rollout runs, and releases it once the rollout ended. Once the engine stops, it writes
 * nothing more. Thread-safe.
 */
final class RolloutPersistence implements RolloutListener {
  private static final Logger LOG = LoggerFactory.getLogger("dev.molt.rollout");
  private final RolloutStore store;
  private final String identity;
  private final Duration ttl;
  private final Clock clock;
  private final GatedScheduler scheduler;
  private final Function<Revision, Optional<LaunchSpec>> known;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

  private record Tracked(RolloutRun run, int resumes) {}

  /**
   * @param store where records and leases live
   * @param identity the engine's identity, the leases' holder
   * @param ttl how long a lease holds without renewal
   * @param clock the engine's clock
   * @param scheduler the engine's scheduler; closed when the engine stops
   * @param known the launch specs the engine can relaunch
   */
  public RolloutPersistence(RolloutStore store, String identity, Duration ttl, Clock clock,
      GatedScheduler scheduler, Function<Revision, Optional<LaunchSpec>> known) {
    this.store = store;
    this.identity = identity;
    this.ttl = ttl;
    this.clock = clock;
    this.scheduler = scheduler;
    this.known = known;
  }

  /**
   * Takes or renews the lease of {@code fleet}.
   *
   * @throws FleetLockedException if another engine holds it
   */
  public Lease acquire(String fleet) {
    return store.acquire(fleet, identity, clock.instant(), ttl);
  }

  /** Releases the lease of {@code fleet} if this engine holds it. */
  public void release(String fleet) {
    store.release(fleet, identity);
  }

  /** Starts saving {@code run} (saving it now) and renewing its fleet's lease. */
  public void track(RolloutRun run, int resumes) {
    Tracked t = new Tracked(run, resumes);
    tracked.put(run.id(), t);
    save(t, run.current());
    scheduleRenewal(t);
  }

  /** @return the runs being tracked */
  public List<RolloutRun> runs() {
    return tracked.values().stream().map(Tracked::run).toList();
  }

  @Override
  public void onEvent(Rollout rollout, RolloutEvent event) {
    Tracked t = tracked.get(rollout.id());
    if (t == null || !scheduler.isOpen()) {
      return;
    }
    save(t, rollout);
    if (rollout.isDone()) {
      tracked.remove(rollout.id());
      release(rollout.fleet());
    }
  }

  private void save(Tracked t, Rollout rollout) {
    Optional<LaunchSpec> previous = rollout.from().flatMap(known);
    store.save(new RolloutRecord(t.run().spec(), previous, rollout, t.resumes(),
        t.run().stepRecord(), t.run().reconcileSpec()));
  }

  private void scheduleRenewal(Tracked t) {
    scheduler.schedule(() -> renew(t), ttl.dividedBy(3));
  }

  private void renew(Tracked t) {
    if (tracked.get(t.run().id()) != t) {
      return; // finished, or the engine stopped tracking it
    }
    try {
      acquire(t.run().spec().fleet());
      scheduleRenewal(t);
    } catch (FleetLockedException e) {
      // our lease lapsed and another engine took the fleet: stop driving it at once
      tracked.remove(t.run().id());
      LOG.warn("rollout={} fleet={} action=halt reason=lease-lost holder={}", t.run().id(),
          e.fleet(), e.holder());
      t.run().halt(e);
    } catch (RuntimeException e) {
      scheduleRenewal(t); // a store hiccup: try again before the lease lapses
    }
  }
}
