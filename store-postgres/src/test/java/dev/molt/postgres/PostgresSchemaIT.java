package dev.molt.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The store creates and versions its own schema, once however many engines start together. */
class PostgresSchemaIT {
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();

  @AfterEach
  void dropSchema() {
    PostgresServer.drop(db, schema);
  }

  @Test
  void enginesStartingTogetherMigrateTheSchemaOnce() throws Exception {
    int engines = 6;
    ExecutorService pool = Executors.newFixedThreadPool(engines);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<PostgresRolloutStore>> started = new ArrayList<>();
      for (int i = 0; i < engines; i++) {
        started.add(pool.submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          return PostgresRolloutStore.builder(PostgresServer.dataSource()).schema(schema).build();
        }));
      }
      go.countDown();
      for (Future<PostgresRolloutStore> f : started) {
        assertThat(f.get(60, TimeUnit.SECONDS).schema()).isEqualTo(schema);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(versions()).isEqualTo(allVersions());
    assertThat(tables()).contains("leases", "rollouts", "control_requests", "campaigns",
        "schema_version");
  }

  @Test
  void reopeningKeepsWhatTheStoreHolds() {
    PostgresRolloutStore first = PostgresRolloutStore.builder(db).schema(schema).build();
    first.acquire("web", "engine-a", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(30));

    PostgresRolloutStore again = PostgresRolloutStore.builder(db).schema(schema).build();

    assertThat(again.lease("web")).isEqualTo(first.lease("web")).isPresent();
    assertThat(versions()).isEqualTo(allVersions());
  }

  @Test
  void aSchemaOfAnEarlierVersionIsUpgradedKeepingItsData() {
    Jdbc jdbc = new Jdbc(db, 10, schema);
    assertThat(Schema.migrate(jdbc, schema, 1)).isZero();
    new LeaseTable(jdbc, schema).acquire("web", "engine-a", Instant.parse("2026-01-01T00:00:00Z"),
        Duration.ofSeconds(30));
    assertThat(versions()).containsExactly(1);

    PostgresRolloutStore upgraded = PostgresRolloutStore.builder(db).schema(schema).build();

    assertThat(versions()).isEqualTo(allVersions());
    assertThat(upgraded.lease("web")).hasValueSatisfying(l -> assertThat(l.token()).isEqualTo(1));
    assertThat(upgraded.requests("ro-1")).isEmpty(); // the table of version 2 is there
    assertThat(upgraded.unfinishedCampaigns()).isEmpty(); // and that of version 3
  }

  @Test
  void aSchemaOfANewerMoltIsRefusedAndLeftAsItIs() throws SQLException {
    PostgresRolloutStore.builder(db).schema(schema).build();
    execute("INSERT INTO " + schema + ".schema_version (version, description) VALUES (99, 'x')");

    assertThatThrownBy(() -> PostgresRolloutStore.builder(db).schema(schema).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("store version 99").hasMessageContaining("newer");
    assertThat(versions()).endsWith(Schema.LATEST, 99).hasSize(Schema.MIGRATIONS.size() + 1);
  }

  @Test
  void anUnreachableServerIsAStoreErrorNamingTheOperation() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/postgres");
    nowhere.setUser("molt");
    nowhere.setConnectTimeout(5);

    assertThatThrownBy(() -> PostgresRolloutStore.builder(nowhere).schema(schema).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot create or upgrade the store's tables")
        .hasMessageContaining("PostgreSQL schema " + schema);
  }

  @Test
  void aSchemaNameThatIsNotPlainIsRefusedBeforeAnyStatement() {
    assertThatThrownBy(() -> PostgresRolloutStore.builder(db).schema("molt; drop table x"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e).hasMessageContaining("schema"));
  }

  private static List<Integer> allVersions() {
    return Schema.MIGRATIONS.stream().map(Schema.Migration::version).toList();
  }

  private List<Integer> versions() {
    List<Integer> out = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM " + schema
            + ".schema_version ORDER BY version")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private List<String> tables() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = '" + schema + "'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
