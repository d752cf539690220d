package dev.molt.store;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The right of one engine to drive one fleet until {@code expiresAt}. The holder renews it while it
 * runs a rollout of the fleet and releases it at the end; an engine that dies simply stops renewing,
 * and the lease lapses at {@code expiresAt}.
 *
 * <p>Every lease a store grants carries a <em>fencing token</em>: per fleet, each grant's token is
 * higher than every token granted before (a renewal keeps it). The holder passes its lease with
 * every write, and the store refuses ({@link StaleLeaseException}) a writer whose token is not the
 * newest: an engine that paused past its lease's expiry while another took the fleet over can no
 * longer write, even if it has not noticed yet.
 *
 * @param fleet the fleet name
 * @param holder the identity of the engine holding it
 * @param expiresAt when it lapses unless renewed, by the holder's injected clock
 * @param token the fencing token, at least 1 for a lease a store granted (0 only for a lease
 *     read from a store file written before tokens existed)
 */
public record Lease(String fleet, String holder, Instant expiresAt, long token) {

  /** Validates the fields. */
  public Lease {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(holder, "holder");
    Arguments.required(expiresAt, "expiresAt");
    if (token < 0) {
      throw new InvalidSpecException("token", "is " + token + "; fencing tokens are never"
          + " negative");
    }
  }

  /** @return true if the lease still holds at {@code now} */
  public boolean isHeldAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /** @return a copy that lapses at {@code newExpiry}, same holder and token */
  public Lease withExpiresAt(Instant newExpiry) {
    return new Lease(fleet, holder, newExpiry, token);
  }

  /**
   * The grant rule every store applies, under its own lock (or its own compare-and-swap): grant a
   * lease if the fleet's lease is free, lapsed, or already {@code holder}'s, with a token one above
   * the newest issued. Public for stores in other modules.
   *
   * @param current the fleet's lease, if one is granted and not released
   * @param newestToken the newest token issued for the fleet, 0 if none
   * @param fleet the fleet name
   * @param holder who asks
   * @param now the caller's time
   * @param ttl how long the grant holds
   * @return the lease to grant
   * @throws FleetLockedException if another holder's lease still holds
   */
  public static Lease claim(Optional<Lease> current, long newestToken, String fleet,
      String holder, Instant now, Duration ttl) {
    Arguments.notBlank(holder, "holder");
    Arguments.required(now, "now");
    Arguments.positive(ttl, "ttl");
    if (current.isPresent() && !current.get().holder().equals(holder)
        && current.get().isHeldAt(now)) {
      throw new FleetLockedException(current.get());
    }
    return new Lease(fleet, holder, now.plus(ttl), newestToken + 1);
  }

  /**
   * The renewal rule: extend {@code held} to {@code now + ttl} if it is still the fleet's lease
   * (same holder, same token, not released). Public for stores in other modules.
   *
   * @param current the fleet's lease, if one is granted and not released
   * @param newestToken the newest token issued for the fleet, 0 if none
   * @param held the lease the caller holds
   * @param now the caller's time
   * @param ttl how long the lease holds from now
   * @return the renewed lease
   * @throws StaleLeaseException otherwise
   */
  public static Lease extend(Optional<Lease> current, long newestToken, Lease held, Instant now,
      Duration ttl) {
    Arguments.required(held, "lease");
    Arguments.required(now, "now");
    Arguments.positive(ttl, "ttl");
    requireCurrent(current, newestToken, held, "renewal");
    return held.withExpiresAt(now.plus(ttl));
  }

  /**
   * The fencing rule for writes: {@code writer} must be the newest lease issued for its fleet
   * (lapsed or not, but not released). Public for stores in other modules.
   *
   * @param current the fleet's lease, if one is granted and not released
   * @param newestToken the newest token issued for the fleet, 0 if none
   * @param writer the lease the caller writes under
   * @param what what is refused, for the message ({@code "save of rollout ro-1"})
   * @throws StaleLeaseException otherwise
   */
  public static void requireCurrent(Optional<Lease> current, long newestToken, Lease writer,
      String what) {
    if (current.isEmpty() || current.get().token() != writer.token()
        || !current.get().holder().equals(writer.holder()) || writer.token() != newestToken) {
      throw new StaleLeaseException(writer, newestToken, current.map(Lease::holder), what);
    }
  }

  /**
   * Checks the arguments of {@link RolloutStore#acquire}, as every store does before it asks
   * anything of its backend.
   *
   * @throws InvalidSpecException naming a blank fleet or holder, a missing time, or a TTL that is
   *     not positive
   */
  public static void requireGrantArguments(String fleet, String holder, Instant now,
      Duration ttl) {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(holder, "holder");
    Arguments.required(now, "now");
    Arguments.positive(ttl, "ttl");
  }

  /**
   * Checks the arguments of {@link RolloutStore#renew}, as every store does before it asks
   * anything of its backend.
   *
   * @throws InvalidSpecException naming a missing lease or time, or a TTL that is not positive
   */
  public static void requireRenewalArguments(Lease lease, Instant now, Duration ttl) {
    Arguments.required(lease, "lease");
    Arguments.required(now, "now");
    Arguments.positive(ttl, "ttl");
  }

  /**
   * Checks the arguments of {@link RolloutStore#save}: both present, and the record of the
   * lease's fleet. Every store, in this module or another, checks a save with it.
   *
   * @param writer the lease the record is written under
   * @param record the record
   * @throws InvalidSpecException naming {@code lease}, {@code record} or {@code lease.fleet}
   */
  public static void requireFleet(Lease writer, RolloutRecord record) {
    Arguments.required(writer, "lease");
    Arguments.required(record, "record");
    if (!writer.fleet().equals(record.fleet())) {
      throw new InvalidSpecException("lease.fleet", "is " + writer.fleet() + " but rollout "
          + record.id() + " is of fleet " + record.fleet() + "; save a record under its own"
          + " fleet's lease");
    }
  }
}
