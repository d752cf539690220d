package dev.molt.postgres;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import dev.molt.time.Cancellable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link RolloutStore} in PostgreSQL, for engines on many hosts sharing fleets. Plain JDBC: give
 * it a {@link DataSource} (pgjdbc's {@code PGSimpleDataSource} opens a connection per call; a pool
 * such as HikariCP makes calls cheaper) and it creates and versions its own tables in one schema:
 *
 * <pre>{@code
 * PGSimpleDataSource db = new PGSimpleDataSource();
 * db.setURL("jdbc:postgresql://db.internal:5432/deploy");
 * db.setUser("molt");
 * RolloutStore store = PostgresRolloutStore.builder(db).schema("molt").build();
 * RolloutEngine engine = RolloutEngine.builder(provider).store(store).build();
 * }</pre>
 *
 * <p>A fleet's lease is a row of {@code <schema>.leases} (holder, expiry, fencing token), granted,
 * renewed and released by single conditional statements; a save is one statement that writes the
 * record only while the writer's lease is the fleet's newest, holding that row's share lock so a
 * concurrent grant waits for it (see {@code docs/store-postgres.md}). Expiries are compared with
 * the callers' clocks, never the server's: engines' clocks must agree within their skew margin.
 * Times are kept to the microsecond.
 *
 * <p>Thread-safe; each call takes one connection from the data source and gives it back. Every
 * statement has a timeout (default 10 s); a database that cannot be reached or refuses is a
 * {@link StoreException} naming the operation.
 */
public final class PostgresRolloutStore implements RolloutStore {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String SAVE = "WITH writer AS ("
      + " SELECT token FROM %1$s.leases WHERE fleet = ? AND holder = ? AND token = ? FOR SHARE)"
      + " INSERT INTO %1$s.rollouts AS r (id, fleet, finished, started_at, target_revision,"
      + " previous_revision, token, record, saved_at)"
      + " SELECT ?, ?, ?, ?, ?, ?, writer.token, ?, now() FROM writer"
      + " ON CONFLICT (id) DO UPDATE SET finished = EXCLUDED.finished,"
      + " started_at = EXCLUDED.started_at, target_revision = EXCLUDED.target_revision,"
      + " previous_revision = EXCLUDED.previous_revision, token = EXCLUDED.token,"
      + " record = EXCLUDED.record, saved_at = EXCLUDED.saved_at"
      + " WHERE r.fleet = EXCLUDED.fleet AND r.token <= EXCLUDED.token";

  private final Jdbc jdbc;
  private final DataSource dataSource;
  private final String schema;
  private final LeaseTable leases;
  private final CampaignTable campaigns;

  private PostgresRolloutStore(Builder b) {
    this.schema = b.schema;
    this.dataSource = b.dataSource;
    this.jdbc = new Jdbc(b.dataSource, (int) Math.max(1, b.statementTimeout.toSeconds()), schema);
    this.leases = new LeaseTable(jdbc, schema);
    this.campaigns = new CampaignTable(jdbc, schema, leases);
  }

  /**
   * Starts a builder.
   *
   * @param dataSource where connections come from; the user needs {@code CREATE} on the
   *     database the first time (to create the schema), then the usual rights on its tables
   * @return a builder for schema {@code molt} with a 10 s statement timeout
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Arguments.required(dataSource, "dataSource"));
  }

  /** @return the schema the store's tables live in */
  public String schema() {
    return schema;
  }

  @Override
  public void save(Lease writer, RolloutRecord record) {
    Lease.requireFleet(writer, record);
    String json = record.toJson();
    jdbc.call("save rollout " + record.id(), c -> {
      try (PreparedStatement st = jdbc.prepare(c, String.format(SAVE, schema))) {
        st.setString(1, writer.fleet());
        st.setString(2, writer.holder());
        st.setLong(3, writer.token());
        st.setString(4, record.id());
        st.setString(5, record.fleet());
        st.setBoolean(6, record.isFinished());
        st.setObject(7, Jdbc.time(record.rollout().startedAt()));
        st.setString(8, record.spec().target().revision().id());
        st.setString(9, record.previous().map(p -> p.revision().id()).orElse(null));
        st.setString(10, json);
        if (st.executeUpdate() == 1) {
          return null;
        }
      }
      throw leases.refused(c, writer, "save of rollout " + record.id(), "rollout "
          + record.id() + " of fleet " + record.fleet() + ": the stored record of that id"
          + " belongs to another fleet");
    });
  }

  @Override
  public boolean keepsCampaigns() {
    return true;
  }

  @Override
  public void saveCampaign(Lease writer, dev.molt.store.SavedCampaign campaign) {
    campaigns.save(writer, campaign);
  }

  @Override
  public Optional<dev.molt.store.SavedCampaign> campaign(String campaignId) {
    return campaigns.load(campaignId);
  }

  @Override
  public List<dev.molt.store.SavedCampaign> unfinishedCampaigns() {
    return campaigns.unfinished();
  }

  @Override
  public Optional<RolloutRecord> load(String rolloutId) {
    Arguments.notBlank(rolloutId, "rolloutId");
    List<RolloutRecord> found = query("load rollout " + rolloutId,
        "SELECT record FROM " + schema + ".rollouts WHERE id = ?", rolloutId);
    return found.stream().findFirst();
  }

  @Override
  public List<RolloutRecord> unfinished() {
    return query("list unfinished rollouts", "SELECT record FROM " + schema
        + ".rollouts WHERE NOT finished ORDER BY started_at, id");
  }

  @Override
  public Optional<LaunchSpec> launchSpec(Revision revision) {
    Arguments.required(revision, "revision");
    List<RolloutRecord> found = query("find the launch spec of " + revision.id(),
        "SELECT record FROM " + schema + ".rollouts WHERE target_revision = ?"
            + " OR previous_revision = ? ORDER BY saved_at DESC LIMIT 1",
        revision.id(), revision.id());
    return RolloutStore.launchSpecIn(found, revision);
  }

  @Override
  public void request(ControlRequest request) {
    Arguments.required(request, "request");
    jdbc.call("store control request " + request.id() + " for rollout " + request.rolloutId(),
        c -> {
          // one statement: the notification is sent (at commit) only if the request was stored
          try (PreparedStatement st = jdbc.prepare(c, "WITH stored AS (INSERT INTO " + schema
              + ".control_requests (rollout_id, id, control, reason, requested_by, requested_at)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (rollout_id, id) DO NOTHING"
              + " RETURNING rollout_id) SELECT pg_notify(?, ? || rollout_id) FROM stored")) {
            st.setString(1, request.rolloutId());
            st.setString(2, request.id());
            st.setString(3, request.control().name());
            st.setString(4, request.reason().map(PostgresRolloutStore::escape).orElse(null));
            st.setString(5, escape(request.requestedBy()));
            st.setObject(6, Jdbc.time(request.requestedAt()));
            st.setString(7, RequestListener.CHANNEL);
            st.setString(8, schema + ":");
            try (ResultSet rs = st.executeQuery()) {
              return rs.next() ? 1 : 0;
            }
          }
        });
  }

  /**
   * Listens for the requests stored in this store's schema by any process, through PostgreSQL's
   * {@code LISTEN/NOTIFY} on channel {@code molt_control_requests}: one connection of the data
   * source and one daemon thread per watch, held until it is cancelled. A lost connection is
   * opened again with back-off; what was sent meanwhile is found by the engines' polls.
   */
  @Override
  public Cancellable watchRequests(Consumer<String> onRequest) {
    Arguments.required(onRequest, "onRequest");
    RequestListener listener = new RequestListener(dataSource, schema, onRequest);
    listener.start();
    return listener::stop;
  }

  @Override
  public List<ControlRequest> requests(String rolloutId) {
    Arguments.notBlank(rolloutId, "rolloutId");
    return jdbc.call("list control requests for rollout " + rolloutId, c -> {
      try (PreparedStatement st = jdbc.prepare(c, "SELECT id, control, reason, requested_by,"
          + " requested_at FROM " + schema + ".control_requests WHERE rollout_id = ?"
          + " ORDER BY requested_at, id")) {
        st.setString(1, rolloutId);
        List<ControlRequest> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(new ControlRequest(rs.getString("id"), rolloutId,
                ControlRequest.Control.valueOf(rs.getString("control")),
                Optional.ofNullable(rs.getString("reason")).map(PostgresRolloutStore::unescape),
                unescape(rs.getString("requested_by")),
                Jdbc.instant(rs, "requested_at")));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    Lease.requireGrantArguments(fleet, holder, now, ttl);
    return leases.acquire(fleet, holder, now, ttl);
  }

  @Override
  public Lease renew(Lease lease, Instant now, Duration ttl) {
    Lease.requireRenewalArguments(lease, now, ttl);
    return leases.renew(lease, now, ttl);
  }

  @Override
  public void release(Lease lease) {
    leases.release(Arguments.required(lease, "lease"));
  }

  @Override
  public Optional<Lease> lease(String fleet) {
    return leases.lease(Arguments.notBlank(fleet, "fleet"));
  }

  /** PostgreSQL text cannot hold NUL: free text is kept with backslashes doubled, NUL as a
   * backslash and a zero. */
  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\0", "\\0");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == '0' ? '\0' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private List<RolloutRecord> query(String what, String sql, String... params) {
    List<String> texts = jdbc.call(what, c -> texts(c, sql, params));
    List<RolloutRecord> out = new ArrayList<>(texts.size());
    texts.forEach(t -> out.add(RolloutRecord.fromJson(t)));
    return out;
  }

  private List<String> texts(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement st = jdbc.prepare(c, sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setString(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** Configures a {@link PostgresRolloutStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = "molt";
    private Duration statementTimeout = Duration.ofSeconds(10);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Sets the schema of the store's tables (default {@code molt}); engines sharing fleets must
     * use the same one. Created if missing.
     *
     * @param name lowercase letters, digits and underscores, not starting with a digit, at most
     *     63 characters
     * @return this builder
     * @throws InvalidSpecException if the name is not such a name
     */
    public Builder schema(String name) {
      Arguments.notBlank(name, "schema");
      if (!SCHEMA.matcher(name).matches()) {
        throw new InvalidSpecException("schema", "'" + name + "' is not a plain PostgreSQL"
            + " schema name: use lowercase letters, digits and _, not starting with a digit, at"
            + " most 63 characters");
      }
      this.schema = name;
      return this;
    }

    /**
     * Sets how long one statement may take, waits for a row lock included (default 10 s, whole
     * seconds, at least 1). Keep it well under the engines' lease TTL.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder statementTimeout(Duration timeout) {
      this.statementTimeout = Arguments.positive(timeout, "statementTimeout");
      return this;
    }

    /**
     * Creates or upgrades the schema's tables (once, under an advisory lock, whatever the number
     * of engines starting together) and returns the store.
     *
     * @return the store
     * @throws StoreException if the database cannot be reached, refuses, or holds a schema of a
     *     newer Molt
     */
    public PostgresRolloutStore build() {
      PostgresRolloutStore store = new PostgresRolloutStore(this);
      Schema.migrate(store.jdbc, schema);
      return store;
    }
  }
}
