package dev.molt.store;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where engines keep their rollouts and fleet leases, so that another engine can resume a rollout
 * after a crash, and so that two engines sharing a store never drive one fleet at once.
 *
 * <p>Implementations: {@link InMemoryRolloutStore} (one process; the engine's default) and {@link
 * FileRolloutStore} (JSON files, atomic replace, survives a killed JVM; several processes may share
 * its directory). Implementations must be thread-safe, and {@link #acquire} must be atomic across
 * every engine sharing the store.
 */
public interface RolloutStore {

  /**
   * Saves the latest state of a rollout, replacing what was saved for its id.
   *
   * @param record the record
   * @throws StoreException if it cannot be written
   */
  void save(RolloutRecord record);

  /**
   * Loads a rollout.
   *
   * @param rolloutId its id
   * @return the latest saved record, or empty if none
   * @throws StoreException if it cannot be read
   */
  Optional<RolloutRecord> load(String rolloutId);

  /**
   * Lists the rollouts not yet in a terminal phase, oldest start first.
   *
   * @return the records; empty if none
   * @throws StoreException if they cannot be read
   */
  List<RolloutRecord> unfinished();

  /**
   * Grants or renews the lease of {@code fleet} for {@code holder} until {@code now + ttl}. Granted
   * when the fleet has no lease, when its lease lapsed, or when {@code holder} already holds it.
   *
   * @param fleet the fleet name
   * @param holder the engine's identity
   * @param now the engine's current time
   * @param ttl how long the lease holds without renewal
   * @return the lease granted
   * @throws FleetLockedException if another holder's lease still holds, naming that holder
   */
  Lease acquire(String fleet, String holder, Instant now, Duration ttl);

  /**
   * Releases the lease of {@code fleet} if {@code holder} holds it; otherwise does nothing.
   *
   * @param fleet the fleet name
   * @param holder the engine's identity
   */
  void release(String fleet, String holder);

  /**
   * Reads the lease of a fleet, lapsed or not.
   *
   * @param fleet the fleet name
   * @return the last lease granted and not released, or empty
   */
  Optional<Lease> lease(String fleet);

  /**
   * Finds the launch spec of a revision some saved rollout targeted or returned to, so that any
   * engine sharing the store can relaunch it in a rollback. The default finds nothing.
   *
   * @param revision the revision
   * @return its launch spec, if a saved rollout knew it
   */
  default Optional<LaunchSpec> launchSpec(Revision revision) {
    return Optional.empty();
  }

  /** @return the launch spec of {@code revision} in {@code records}, if any names it */
  static Optional<LaunchSpec> launchSpecIn(Iterable<RolloutRecord> records, Revision revision) {
    for (RolloutRecord r : records) {
      if (r.spec().target().revision().equals(revision)) {
        return Optional.of(r.spec().target());
      }
      if (r.previous().filter(p -> p.revision().equals(revision)).isPresent()) {
        return r.previous();
      }
    }
    return Optional.empty();
  }
}
