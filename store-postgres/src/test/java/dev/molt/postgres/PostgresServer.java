package dev.molt.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server {@code scripts/postgres-env.sh up} started for these tests, read from the
 * env file it writes (system property {@code molt.pg.env.file}, set by the build; else {@code
 * $MOLT_PG_ENV_FILE}; else {@code /tmp/molt-pg/env}). Without one the tests fail, saying what to
 * run: they never skip.
 */
final class PostgresServer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private PostgresServer() {}

  /** @return a data source on the test server, a fresh connection per call */
  static DataSource dataSource() {
    Map<String, String> env = env();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(env.get("MOLT_PG_URL"));
    ds.setUser(env.get("MOLT_PG_USER"));
    ds.setConnectTimeout(10);
    ds.setSocketTimeout(60);
    return ds;
  }

  /**
   * Runs {@code pg_ctl <action>} on the test cluster, as the user that owns it, and waits for it
   * (at most 60 s): {@code stop} and {@code start} a server whose clients should notice.
   *
   * @param action {@code stop} or {@code start}
   */
  static void pgCtl(String action) {
    Map<String, String> env = env();
    String dir = env.get("MOLT_PG_DIR");
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(env.get("MOLT_PG_BINDIR") + "/pg_ctl", "-D", dir + "/data", "-l",
        dir + "/log", "-w", "-t", "60", "-m", "fast"));
    if (action.equals("start")) {
      // the options of the first start: socket dir, port, loopback only
      cmd.addAll(List.of("-o", "-k " + dir + " -p " + env.get("MOLT_PG_PORT")
          + " -c listen_addresses=127.0.0.1 -c fsync=off"));
    }
    cmd.add(action);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("pg_ctl " + action + " did not finish in 90 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("pg_ctl " + action + " failed (exit " + p.exitValue()
            + "); see " + dir + "/log");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run pg_ctl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running pg_ctl " + action, e);
    }
  }

  /** @return a schema name no test used yet */
  static String freshSchema() {
    byte[] bytes = new byte[5];
    RANDOM.nextBytes(bytes);
    return "t_" + HexFormat.of().formatHex(bytes);
  }

  /** Drops {@code schema} and everything in it. */
  static void drop(DataSource ds, String schema) {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }

  /** @return the env file's variables (MOLT_PG_URL, MOLT_PG_USER, ...) */
  static Map<String, String> env() {
    Path file = envFile();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no PostgreSQL server for the PostgreSQL store's tests: "
          + file + " does not exist. './mvnw verify' runs 'scripts/postgres-env.sh up' before the"
          + " integration tests (see its output for why it failed); from an IDE, run"
          + " 'MOLT_PG_ENV_FILE=" + file + " scripts/postgres-env.sh up' first");
    }
    Map<String, String> vars = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.startsWith("export ") && l.contains("=")) {
          String kv = l.substring("export ".length());
          vars.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    for (String name : new String[] {"MOLT_PG_URL", "MOLT_PG_USER"}) {
      if (vars.getOrDefault(name, "").isBlank()) {
        throw new IllegalStateException(file + " has no " + name
            + "; rerun 'scripts/postgres-env.sh up'");
      }
    }
    return vars;
  }

  private static Path envFile() {
    String property = System.getProperty("molt.pg.env.file");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String env = System.getenv("MOLT_PG_ENV_FILE");
    return Path.of(env == null || env.isBlank() ? "/tmp/molt-pg/env" : env);
  }
}
