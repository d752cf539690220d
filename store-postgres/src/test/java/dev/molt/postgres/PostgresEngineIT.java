package dev.molt.postgres;

import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreEngineContract;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/**
 * Engines keep their rollouts and leases in PostgreSQL: the test kit's engine contract (run,
 * crash, resume, fencing) against the real server, each engine on a store of its own in a fresh
 * schema.
 */
class PostgresEngineIT extends RolloutStoreEngineContract {
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();
  private final PostgresRolloutStore store = PostgresRolloutStore.builder(db).schema(schema).build();

  @AfterEach
  void dropSchema() {
    PostgresServer.drop(db, schema);
  }

  @Override
  protected RolloutStore store() {
    return store;
  }

  @Override
  protected RolloutStore openForEngine() {
    return PostgresRolloutStore.builder(db).schema(schema).build();
  }
}
