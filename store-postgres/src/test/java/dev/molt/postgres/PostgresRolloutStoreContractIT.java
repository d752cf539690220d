package dev.molt.postgres;

import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreContract;
import javax.sql.DataSource;

/**
 * The PostgreSQL store passes the store contract against a real server, each test in a schema of
 * its own; {@link #openAgain} is a second store on its own data source, as another engine's.
 */
class PostgresRolloutStoreContractIT extends RolloutStoreContract {
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();

  @Override
  protected RolloutStore createStore() {
    return PostgresRolloutStore.builder(db).schema(schema).build();
  }

  @Override
  protected RolloutStore openAgain(RolloutStore store) {
    return PostgresRolloutStore.builder(PostgresServer.dataSource()).schema(schema).build();
  }

  @Override
  protected void closeStore() {
    PostgresServer.drop(db, schema);
  }
}
