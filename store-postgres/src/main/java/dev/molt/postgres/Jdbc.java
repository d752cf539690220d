package dev.molt.postgres;

import dev.molt.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * One connection per operation from the data source (a pool makes that cheap; without one it is a
 * fresh connection, which also survives a server restart between calls), every statement with a
 * timeout, and {@link SQLException}s turned into {@link StoreException}s that name the operation
 * and the schema. Thread-safe if the data source is.
 */
final class Jdbc {
  /** What an operation does with its connection. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final int timeoutSeconds;
  private final String where;

  Jdbc(DataSource dataSource, int timeoutSeconds, String schema) {
    this.dataSource = dataSource;
    this.timeoutSeconds = timeoutSeconds;
    this.where = "PostgreSQL schema " + schema;
  }

  /** Runs {@code work} in autocommit mode: each statement is its own transaction. */
  <T> T call(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction, committed if it returns, rolled back if it throws. */
  <T> T transaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** @return {@code sql} prepared with the statement timeout */
  PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    st.setQueryTimeout(timeoutSeconds);
    return st;
  }

  /** Executes {@code sql}, a statement without parameters, with the statement timeout. */
  void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      st.execute(sql);
    }
  }

  private StoreException failure(String what, SQLException e) {
    return new StoreException("cannot " + what + " in " + where + ": " + e.getMessage()
        + " (SQLState " + e.getSQLState() + "); check that the server answers and the user may"
        + " use the schema", e);
  }

  static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
