package dev.molt.store;

import dev.molt.Arguments;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The right of one engine to drive one fleet until {@code expiresAt}. The holder renews it while it
 * runs a rollout of the fleet and releases it at the end; an engine that dies simply stops renewing,
 * and the lease lapses at {@code expiresAt}.
 *
 * @param fleet the fleet name
 * @param holder the identity of the engine holding it
 * @param expiresAt when it lapses unless renewed, by the holder's injected clock
 */
public record Lease(String fleet, String holder, Instant expiresAt) {

  /** Validates the fields. */
  public Lease {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(holder, "holder");
    Arguments.required(expiresAt, "expiresAt");
  }

  /** @return true if the lease still holds at {@code now} */
  public boolean isHeldAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /**
   * The one rule every store applies, under its own lock: grant or renew a lease if it is free,
   * lapsed, or already {@code holder}'s.
   *
   * @throws FleetLockedException if another holder's lease still holds
   */
  static Lease claim(Optional<Lease> current, String fleet, String holder, Instant now,
      Duration ttl) {
    Arguments.notBlank(holder, "holder");
    Arguments.positive(ttl, "ttl");
    if (current.isPresent() && !current.get().holder().equals(holder)
        && current.get().isHeldAt(now)) {
      throw new FleetLockedException(current.get());
    }
    return new Lease(fleet, holder, now.plus(ttl));
  }
}
