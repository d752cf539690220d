package dev.molt.postgres;

import dev.molt.store.ControlRequest;
import java.time.Instant;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Run in a child JVM by {@link PostgresControlsIT}, as a CLI would be: stores one control request
 * for a rollout in the PostgreSQL store and prints its id.
 * Arguments: JDBC URL, user, schema, rollout id, control.
 */
public final class ControlRequestMain {
  private ControlRequestMain() {}

  public static void main(String[] args) {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(args[0]);
    db.setUser(args[1]);
    db.setConnectTimeout(10);
    PostgresRolloutStore store = PostgresRolloutStore.builder(db).schema(args[2]).build();
    ControlRequest request = ControlRequest.of(args[3], ControlRequest.Control.valueOf(args[4]),
        "cli-pid-" + ProcessHandle.current().pid(), Instant.now());
    store.request(request);
    System.out.println(request.id());
  }
}
