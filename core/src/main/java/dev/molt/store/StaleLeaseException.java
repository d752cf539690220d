package dev.molt.store;

import dev.molt.Arguments;
import java.util.Optional;

/**
 * A store refused a write, a renewal or a release because the writer's lease is no longer the
 * newest of its fleet: a newer lease (a higher {@linkplain Lease#token() fencing token}) was issued
 * since, or the lease was released. The writer must stop acting on the fleet at once; whoever holds
 * the newest lease drives it now. Nothing was written.
 */
public final class StaleLeaseException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final String fleet;
  private final long token;
  private final long newestToken;
  private final String newestHolder;

  /**
   * Creates the exception.
   *
   * @param stale the writer's lease
   * @param newestToken the newest token the store issued for the fleet
   * @param newestHolder the holder of the newest lease, if it is still held
   * @param refused what was refused, such as {@code "save of rollout ro-1"} or {@code "renewal"}
   */
  public StaleLeaseException(Lease stale, long newestToken, Optional<String> newestHolder,
      String refused) {
    super(message(Arguments.required(stale, "stale"), newestToken,
        Arguments.optional(newestHolder, "newestHolder"), Arguments.notBlank(refused, "refused")));
    this.fleet = stale.fleet();
    this.token = stale.token();
    this.newestToken = newestToken;
    this.newestHolder = newestHolder.orElse("");
  }

  private static String message(Lease stale, long newest, Optional<String> holder,
      String refused) {
    String since = newest > stale.token()
        ? "lease token " + newest + " was issued since" + holder.map(h -> " (holder '" + h + "')")
            .orElse(" and released")
        : "the lease was released or never issued by this store";
    return "refused the " + refused + " for fleet " + stale.fleet() + " by '" + stale.holder()
        + "': its lease token " + stale.token() + " is stale, " + since + ". This writer must"
        + " stop acting on the fleet; the newest holder drives it (resume from the store to take"
        + " it over once that lease lapses)";
  }

  /** @return the fleet name */
  public String fleet() {
    return fleet;
  }

  /** @return the refused writer's token */
  public long token() {
    return token;
  }

  /** @return the newest token the store issued for the fleet */
  public long newestToken() {
    return newestToken;
  }

  /** @return the holder of the newest lease; empty if it was released */
  public Optional<String> newestHolder() {
    return newestHolder.isEmpty() ? Optional.empty() : Optional.of(newestHolder);
  }
}
