package dev.molt.postgres;

import dev.molt.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables and their versions. {@link #migrate} brings a schema to {@link #LATEST} in one
 * transaction under a transaction-scoped advisory lock keyed by the schema name, so that engines
 * starting together apply each migration once; every applied version is a row of {@code
 * <schema>.schema_version}. A schema newer than this code is refused, never downgraded.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

  /** One step: its version, what it does, and its statements ({@code %s} is the schema). */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "leases with fencing tokens, rollout records", List.of(
          // a released lease keeps its row (holder and expiry null): the token never repeats
          "CREATE TABLE %s.leases ("
              + " fleet text PRIMARY KEY,"
              + " holder text,"
              + " expires_at timestamptz,"
              + " token bigint NOT NULL CHECK (token > 0),"
              + " granted_at timestamptz NOT NULL,"
              + " CHECK ((holder IS NULL) = (expires_at IS NULL)))",
          // the record is the text RolloutRecord.toJson writes: kept verbatim, never queried inside
          "CREATE TABLE %s.rollouts ("
              + " id text PRIMARY KEY,"
              + " fleet text NOT NULL,"
              + " finished boolean NOT NULL,"
              + " started_at timestamptz NOT NULL,"
              + " target_revision text NOT NULL,"
              + " previous_revision text,"
              + " token bigint NOT NULL,"
              + " record text NOT NULL,"
              + " saved_at timestamptz NOT NULL DEFAULT now())",
          "CREATE INDEX rollouts_unfinished ON %s.rollouts (started_at, id) WHERE NOT finished",
          "CREATE INDEX rollouts_target ON %s.rollouts (target_revision)",
          "CREATE INDEX rollouts_previous ON %s.rollouts (previous_revision)")),
      new Migration(2, "control requests from any process", List.of(
          "CREATE TABLE %s.control_requests ("
              + " rollout_id text NOT NULL,"
              + " id text NOT NULL,"
              + " control text NOT NULL,"
              + " reason text,"
              + " requested_by text NOT NULL,"
              + " requested_at timestamptz NOT NULL,"
              + " PRIMARY KEY (rollout_id, id))")),
      // the state is the text dev.molt.campaign writes: kept verbatim, never queried inside
      new Migration(3, "patch-wave campaigns", List.of(
          "CREATE TABLE %s.campaigns ("
              + " id text PRIMARY KEY,"
              + " name text NOT NULL,"
              + " lease text NOT NULL,"
              + " finished boolean NOT NULL,"
              + " token bigint NOT NULL,"
              + " state text NOT NULL,"
              + " saved_at timestamptz NOT NULL DEFAULT now())",
          "CREATE INDEX campaigns_unfinished ON %s.campaigns (id) WHERE NOT finished")));

  static final int LATEST = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  private Schema() {}

  /**
   * Creates or upgrades {@code schema} to {@link #LATEST}.
   *
   * @return the version found before (0 for a new schema)
   * @throws StoreException if the schema is newer than this code, or the database refused
   */
  static int migrate(Jdbc jdbc, String schema) {
    return migrate(jdbc, schema, LATEST);
  }

  /** Brings {@code schema} to version {@code upTo} (tests start from an older schema so). */
  static int migrate(Jdbc jdbc, String schema, int upTo) {
    return jdbc.transaction("create or upgrade the store's tables", c -> {
      try (PreparedStatement lock = jdbc.prepare(c,
          "SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, "molt-rollout-store:" + schema);
        lock.executeQuery().close();
      }
      jdbc.execute(c, "CREATE SCHEMA IF NOT EXISTS " + schema);
      jdbc.execute(c, "CREATE TABLE IF NOT EXISTS " + schema + ".schema_version ("
          + " version integer PRIMARY KEY,"
          + " description text NOT NULL,"
          + " applied_at timestamptz NOT NULL DEFAULT now())");
      int found = current(jdbc, c, schema);
      if (found > LATEST) {
        throw new StoreException("PostgreSQL schema " + schema + " is at store version " + found
            + ", newer than the " + LATEST + " this Molt knows: an engine of a newer Molt migrated"
            + " it. Upgrade this engine's molt-store-postgres, or give it another schema");
      }
      for (Migration m : MIGRATIONS) {
        if (m.version() > found && m.version() <= upTo) {
          for (String sql : m.statements()) {
            jdbc.execute(c, String.format(sql, schema));
          }
          try (PreparedStatement st = jdbc.prepare(c, "INSERT INTO " + schema
              + ".schema_version (version, description) VALUES (?, ?)")) {
            st.setInt(1, m.version());
            st.setString(2, m.description());
            st.executeUpdate();
          }
          LOG.info("schema={} action=migrate version={} description=\"{}\"", schema,
              m.version(), m.description());
        }
      }
      return found;
    });
  }

  private static int current(Jdbc jdbc, Connection c, String schema) throws SQLException {
    try (PreparedStatement st = jdbc.prepare(c, "SELECT coalesce(max(version), 0) FROM "
        + schema + ".schema_version"); ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

}
