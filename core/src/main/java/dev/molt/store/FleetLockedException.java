package dev.molt.store;

import dev.molt.MoltException;
import java.time.Instant;

/**
 * Another engine holds the lease of the fleet: two engines never drive one fleet at once. {@link
 * #holder()} names it; the lease lapses at {@link #expiresAt()} unless that engine keeps renewing it.
 */
public final class FleetLockedException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final String fleet;
  private final String holder;
  private final Instant expiresAt;

  /**
   * Creates the exception.
   *
   * @param lease the lease another engine holds
   */
  public FleetLockedException(Lease lease) {
    super("fleet " + lease.fleet() + " is being driven by engine '" + lease.holder()
        + "' (lease held until " + lease.expiresAt() + "); wait for its rollout to end, stop that"
        + " engine, or let its lease lapse and resume from the store");
    this.fleet = lease.fleet();
    this.holder = lease.holder();
    this.expiresAt = lease.expiresAt();
  }

  /** @return the fleet name */
  public String fleet() {
    return fleet;
  }

  /** @return the identity of the engine holding the lease */
  public String holder() {
    return holder;
  }

  /** @return when the lease lapses unless renewed */
  public Instant expiresAt() {
    return expiresAt;
  }
}
