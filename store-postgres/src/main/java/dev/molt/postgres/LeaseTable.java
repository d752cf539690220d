package dev.molt.postgres;

import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code leases} table: one row per fleet that ever had a lease, holding the current holder
 * and expiry (both null once released) and the newest fencing token. Every change is one
 * conditional statement, so PostgreSQL's row lock decides races: no read-then-write.
 */
final class LeaseTable {
  /**
   * Grants the lease if the row is new, released, lapsed at {@code now}, or already the holder's;
   * each grant takes the next token. The WHERE of {@code DO UPDATE} is evaluated on the newest
   * row version under its lock, so of two racing acquires exactly one returns a row.
   */
  private static final String ACQUIRE = "INSERT INTO %s.leases AS l"
      + " (fleet, holder, expires_at, token, granted_at) VALUES (?, ?, ?, 1, ?)"
      + " ON CONFLICT (fleet) DO UPDATE SET holder = EXCLUDED.holder,"
      + " expires_at = EXCLUDED.expires_at, token = l.token + 1, granted_at = EXCLUDED.granted_at"
      + " WHERE l.holder IS NULL OR l.expires_at <= ? OR l.holder = EXCLUDED.holder"
      + " RETURNING holder, expires_at, token";
  private static final String RENEW = "UPDATE %s.leases SET expires_at = ?"
      + " WHERE fleet = ? AND holder = ? AND token = ? RETURNING holder, expires_at, token";
  private static final String RELEASE = "UPDATE %s.leases SET holder = NULL, expires_at = NULL"
      + " WHERE fleet = ? AND holder = ? AND token = ?";
  private static final String READ = "SELECT holder, expires_at, token FROM %s.leases"
      + " WHERE fleet = ?";

  private final Jdbc jdbc;
  private final String schema;

  LeaseTable(Jdbc jdbc, String schema) {
    this.jdbc = jdbc;
    this.schema = schema;
  }

  Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    Instant expires = now.plus(ttl);
    return jdbc.call("acquire the lease of fleet " + fleet, c -> {
      for (int attempt = 0; attempt < 3; attempt++) {
        try (PreparedStatement st = jdbc.prepare(c, sql(ACQUIRE))) {
          st.setString(1, fleet);
          st.setString(2, holder);
          st.setObject(3, Jdbc.time(expires));
          st.setObject(4, Jdbc.time(now));
          st.setObject(5, Jdbc.time(now));
          try (ResultSet rs = st.executeQuery()) {
            if (rs.next()) {
              return lease(fleet, rs);
            }
          }
        }
        Optional<Lease> current = read(c, fleet).lease();
        if (current.isPresent() && current.get().isHeldAt(now)) {
          throw new FleetLockedException(current.get());
        }
        // released or lapsed between the two statements: ask again
      }
      throw new StoreException("the lease of fleet " + fleet + " changed hands three times while"
          + " '" + holder + "' asked for it; try again");
    });
  }

  Lease renew(Lease lease, Instant now, Duration ttl) {
    return jdbc.call("renew the lease of fleet " + lease.fleet(), c -> {
      try (PreparedStatement st = jdbc.prepare(c, sql(RENEW))) {
        st.setObject(1, Jdbc.time(now.plus(ttl)));
        st.setString(2, lease.fleet());
        st.setString(3, lease.holder());
        st.setLong(4, lease.token());
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            return lease(lease.fleet(), rs);
          }
        }
      }
      throw stale(c, lease, "renewal");
    });
  }

  void release(Lease lease) {
    jdbc.call("release the lease of fleet " + lease.fleet(), c -> {
      try (PreparedStatement st = jdbc.prepare(c, sql(RELEASE))) {
        st.setString(1, lease.fleet());
        st.setString(2, lease.holder());
        st.setLong(3, lease.token());
        return st.executeUpdate();
      }
    });
  }

  Optional<Lease> lease(String fleet) {
    return jdbc.call("read the lease of fleet " + fleet, c -> read(c, fleet).lease());
  }

  /**
   * Says why a write conditional on {@code writer} wrote nothing: a stale lease, or, when the lease
   * is current, a row that belongs to another lease name or was written under a newer token.
   */
  RuntimeException refused(Connection c, Lease writer, String what, String rowOwner)
      throws SQLException {
    StaleLeaseException refused = stale(c, writer, what);
    if (refused.newestToken() == writer.token()
        && refused.newestHolder().filter(writer.holder()::equals).isPresent()) {
      return new StoreException("refused the " + what + ": the lease is current,"
          + " but " + rowOwner + ", or it was written under a newer lease");
    }
    return refused;
  }

  /** The refusal of {@code writer}, naming the fleet's newest token and holder as they are now. */
  StaleLeaseException stale(Connection c, Lease writer, String what) throws SQLException {
    Row row = read(c, writer.fleet());
    return new StaleLeaseException(writer, row.newestToken(), row.lease().map(Lease::holder),
        what);
  }

  /** A fleet's row: its current lease, if held, and its newest token (0 without a row). */
  private record Row(Optional<Lease> lease, long newestToken) {}

  private Row read(Connection c, String fleet) throws SQLException {
    try (PreparedStatement st = jdbc.prepare(c, sql(READ))) {
      st.setString(1, fleet);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return new Row(Optional.empty(), 0);
        }
        long token = rs.getLong("token");
        return new Row(rs.getString("holder") == null ? Optional.empty()
            : Optional.of(lease(fleet, rs)), token);
      }
    }
  }

  private static Lease lease(String fleet, ResultSet rs) throws SQLException {
    return new Lease(fleet, rs.getString("holder"), Jdbc.instant(rs, "expires_at"),
        rs.getLong("token"));
  }

  private String sql(String template) {
    return String.format(template, schema);
  }
}
