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
 * <p>Implementations: {@link InMemoryRolloutStore} (one process; the engine's default), {@link
 * FileRolloutStore} (JSON files, atomic replace, survives a killed JVM; several processes may share
 * its directory), in the {@code molt-store-postgres} module a PostgreSQL store for engines on
 * many hosts, and in {@code molt-provider-kubernetes} a store of Kubernetes Leases and
 * ConfigMaps. Implementations must be thread-safe, and {@link #acquire}, {@link #renew}, {@link
 * #release} and {@link #save} must be atomic across every engine sharing the store.
 *
 * <p><b>Fencing.</b> Every lease carries a fencing token that grows with each grant for its fleet
 * ({@link Lease}). A writer passes its lease with each {@link #save}; the store refuses, with a
 * {@link StaleLeaseException} and without writing, a writer whose lease is not the fleet's newest
 * (a newer one was granted, or it was released). So an engine that paused past its lease's expiry
 * while another took the fleet over cannot overwrite the new holder's record. The test kit's {@code
 * dev.molt.testkit.store.RolloutStoreContract} checks every rule here against an implementation.
 */
public interface RolloutStore {

  /**
   * Saves the latest state of a rollout, replacing what was saved for its id, if {@code writer} is
   * the newest lease of the record's fleet: granted last, not released (lapsed is allowed: no one
   * else was granted the fleet since).
   *
   * @param writer the lease under which the writer acts on the record's fleet
   * @param record the record
   * @throws StaleLeaseException if a newer lease of the fleet was granted or {@code writer} was
   *     released; nothing is written
   * @throws dev.molt.InvalidSpecException if {@code writer} is for another fleet than the record
   * @throws StoreException if it cannot be written
   */
  void save(Lease writer, RolloutRecord record);

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
   * Grants the lease of {@code fleet} to {@code holder} until {@code now + ttl}, with a fencing
   * token one above the newest issued for the fleet. Granted when the fleet has no lease, when its
   * lease lapsed at {@code now}, or when {@code holder} already holds it (a restarted engine that
   * kept its identity; its earlier lease is fenced off by the new token). To extend a lease
   * without a new token, {@link #renew} it.
   *
   * @param fleet the fleet name
   * @param holder the engine's identity
   * @param now the engine's current time
   * @param ttl how long the lease holds without renewal
   * @return the lease granted
   * @throws FleetLockedException if another holder's lease still holds, naming that holder
   * @throws StoreException if the store cannot be reached
   */
  Lease acquire(String fleet, String holder, Instant now, Duration ttl);

  /**
   * Extends {@code lease} to {@code now + ttl}, keeping its token, if it is still the fleet's
   * newest lease and not released.
   *
   * @param lease the lease the caller holds
   * @param now the holder's current time
   * @param ttl how long the lease holds from now
   * @return the renewed lease
   * @throws StaleLeaseException if a newer lease was granted or this one was released
   * @throws StoreException if the store cannot be reached
   */
  Lease renew(Lease lease, Instant now, Duration ttl);

  /**
   * Releases {@code lease} if it is still the fleet's current lease; otherwise (released already,
   * or superseded by a newer grant) does nothing. The fleet's newest token is kept: the next grant
   * gets a higher one.
   *
   * @param lease the lease the caller holds
   * @throws StoreException if the store cannot be reached
   */
  void release(Lease lease);

  /**
   * Reads the lease of a fleet, lapsed or not.
   *
   * @param fleet the fleet name
   * @return the last lease granted and not released, or empty
   */
  Optional<Lease> lease(String fleet);

  /**
   * Stores a control request for a rollout, from any process: no lease is needed, and the engine
   * holding the rollout's fleet picks it up within one poll interval and answers it in the
   * rollout's record. A request whose id is already stored for the rollout is ignored, so a
   * requester may send it again after a failure.
   *
   * @param request the request
   * @throws StoreException if it cannot be written
   */
  void request(ControlRequest request);

  /**
   * Lists the control requests stored for a rollout, answered or not, oldest first (by request
   * time, then id).
   *
   * @param rolloutId the rollout
   * @return the requests; empty if none
   * @throws StoreException if they cannot be read
   */
  List<ControlRequest> requests(String rolloutId);

  /**
   * Tells {@code onRequest} the rollout id of every control request stored from now on, by any
   * process, as soon as the store learns of it, so that the engine holding the rollout applies it
   * at once instead of at its next poll. A hint only: a notification may come late, twice, or
   * (across a reconnect) not at all, and engines poll {@link #requests} anyway. The default tells
   * nothing: a store that cannot notify is polled.
   *
   * @param onRequest called with a rollout id, on a thread of the store's; it must return quickly
   *     and not throw
   * @return cancels the watch
   */
  default dev.molt.time.Cancellable watchRequests(java.util.function.Consumer<String> onRequest) {
    return dev.molt.time.Cancellable.none();
  }

  /** @return {@code requests} sorted oldest first, by request time then id */
  static List<ControlRequest> oldestFirst(java.util.Collection<ControlRequest> requests) {
    return requests.stream().sorted(java.util.Comparator.comparing(ControlRequest::requestedAt)
        .thenComparing(ControlRequest::id)).toList();
  }

  /**
   * Whether this store keeps patch-wave campaigns ({@link #saveCampaign}). The default is false:
   * a campaign given such a store is refused before it starts, naming the store.
   *
   * @return true if {@link #saveCampaign}, {@link #campaign} and {@link #unfinishedCampaigns} work
   */
  default boolean keepsCampaigns() {
    return false;
  }

  /**
   * Saves a campaign's latest state, replacing what was saved for its id, if {@code writer} is the
   * newest lease of {@link SavedCampaign#lease()} (the same rule as {@link #save}).
   *
   * @param writer the lease under which the campaign is driven
   * @param campaign its state
   * @throws StaleLeaseException if a newer lease of that name was granted or {@code writer} was
   *     released; nothing is written
   * @throws dev.molt.InvalidSpecException if {@code writer} is the lease of another name
   * @throws StoreException if it cannot be written, or this store does not keep campaigns (the
   *     default)
   */
  default void saveCampaign(Lease writer, SavedCampaign campaign) {
    throw new StoreException(getClass().getSimpleName() + " does not keep campaigns: keep a"
        + " campaign's state in the in-memory, file, PostgreSQL, DynamoDB or Kubernetes store");
  }

  /**
   * Reads a campaign's latest state.
   *
   * @param campaignId its id
   * @return what was saved last; empty if nothing (and always, where campaigns are not kept)
   * @throws StoreException if it cannot be read
   */
  default Optional<SavedCampaign> campaign(String campaignId) {
    return Optional.empty();
  }

  /**
   * Lists the campaigns that did not end, to resume them.
   *
   * @return their latest states; empty if none (and always, where campaigns are not kept)
   * @throws StoreException if they cannot be read
   */
  default List<SavedCampaign> unfinishedCampaigns() {
    return List.of();
  }

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
