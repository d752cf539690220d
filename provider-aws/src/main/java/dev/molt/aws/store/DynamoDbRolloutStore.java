package dev.molt.aws.store;

import static dev.molt.aws.store.Items.PK;
import static dev.molt.aws.store.Items.RECORD;
import static dev.molt.aws.store.Items.ROLLOUT_ID;

import dev.molt.Arguments;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A {@link RolloutStore} in one DynamoDB table, for engines on many hosts sharing fleets on AWS.
 *
 * <pre>{@code
 * RolloutStore store = DynamoDbRolloutStore.builder(Region.EU_WEST_1)   // default credentials
 *     .table("molt-rollouts")                                         // default
 *     .build();                                                       // creates it if absent
 * RolloutEngine engine = RolloutEngine.builder(provider).store(store).identity("deployer-1")
 *     .build();
 * }</pre>
 *
 * <p>A fleet's lease is an item (holder, expiry, newest fencing token, released flag) granted,
 * renewed and released by single conditional {@code UpdateItem}s. A save is one {@code
 * TransactWriteItems}: a {@code ConditionCheck} that the writer's lease is the fleet's current one
 * (same holder and token, not released; the item's token is the newest by construction) and the
 * {@code Put} of the record, so a stale writer is refused atomically and writes nothing. The key
 * schema, the items and the IAM actions are in {@code docs/store-dynamodb.md}. Expiries are
 * compared with the callers' clocks (the {@code now} they pass), never DynamoDB's.
 *
 * <p>Finished records carry a TTL attribute ({@code ttl}, epoch seconds: the record's last update
 * plus {@link Builder#expireFinishedRecordsAfter}, default 30 days), so DynamoDB deletes them some
 * time after; {@link Builder#keepFinishedRecords} keeps them. {@link #unfinished()} is one
 * strongly consistent {@code Query} of the {@code unfinished} partition, which every save updates
 * in its transaction, followed by a consistent read of each record: no scan, no index.
 *
 * <p>Thread-safe (the SDK client is). Retries: a client built by {@link #builder(Region)} uses
 * {@link #retryStrategy()}; give a client of your own that strategy too. A failure that outlasts
 * the retries is a {@link StoreException} naming the operation and the table.
 */
public final class DynamoDbRolloutStore implements RolloutStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbRolloutStore.class);
  /** DynamoDB's item limit is 400 KB; the record's other attributes need a little room. */
  static final int MAX_RECORD_BYTES = 390 * 1024;

  private final DynamoDbClient client;
  private final boolean ownsClient;
  private final String table;
  private final Optional<Duration> finishedTtl;
  private final String ttlAttribute;
  private final LeaseItems leases;

  private DynamoDbRolloutStore(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.table = b.table;
    this.finishedTtl = b.finishedTtl;
    this.ttlAttribute = b.ttlAttribute;
    this.leases = new LeaseItems(client, table);
  }

  /**
   * Starts a builder with a client it creates: the region's endpoint, the default credentials
   * chain, the URL-connection HTTP client and {@link #retryStrategy()}. {@link #close()} closes
   * that client.
   *
   * @param region the table's region
   * @return a builder
   */
  public static Builder builder(Region region) {
    Arguments.required(region, "region");
    return new Builder(DynamoDbClient.builder().region(region)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(retryStrategy())).build(), true);
  }

  /**
   * Starts a builder with a client of the caller's, which {@link #close()} leaves open.
   *
   * @param client the client; give it {@link #retryStrategy()} for the store's retries
   * @return a builder
   */
  public static Builder builder(DynamoDbClient client) {
    return new Builder(Arguments.required(client, "client"), false);
  }

  /**
   * The retry strategy the store's calls should run under: the SDK's standard strategy
   * (exponential back-off with jitter, throttling and 5xx retried, 3 attempts) that also retries
   * DynamoDB's transaction conflicts (a save racing another write of the same lease item).
   *
   * @return the strategy
   */
  public static RetryStrategy retryStrategy() {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .retryOnException(DynamoDbErrors::isConflict).build();
  }

  /** @return the table the store keeps its items in */
  public String table() {
    return table;
  }

  @Override
  public void save(Lease writer, RolloutRecord record) {
    Lease.requireFleet(writer, record);
    String json = record.toJson();
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_RECORD_BYTES) {
      throw new StoreException("cannot save rollout " + record.id() + " of fleet "
          + record.fleet() + " in DynamoDB table " + table + ": its record is " + bytes
          + " bytes and a DynamoDB item holds at most 400 KB; use the PostgreSQL or file store"
          + " for rollouts with histories this long");
    }
    List<TransactWriteItem> items = RecordItems.save(table, writer, record, json,
        ttl(record), ttlAttribute);
    try {
      DynamoDbErrors.call("save rollout " + record.id(), table,
          () -> client.transactWriteItems(b -> b.transactItems(items)));
    } catch (TransactionCanceledException e) {
      throw refusal(writer, "rollout " + record.id(), "the stored record of that id belongs to"
          + " another fleet", e);
    }
    LOG.debug("saved rollout={} fleet={} token={} phase={}", record.id(), record.fleet(),
        writer.token(), record.rollout().phase());
  }

  /**
   * Says why a save transaction (lease check first, the item's put second) was cancelled: a stale
   * lease, an item of that id that {@code conflict} describes, or a failure.
   */
  private StoreException refusal(Lease writer, String what, String conflict,
      TransactionCanceledException e) {
    List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons()
        : List.of();
    if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
      Map<String, AttributeValue> lease = reasons.get(0).hasItem() ? reasons.get(0).item()
          : Map.of();
      return LeaseItems.stale(writer, lease, "save of " + what);
    }
    if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
      return new StoreException("refused to save " + what + " in DynamoDB table " + table + ": "
          + conflict + ", or it was written under a newer lease", e);
    }
    return DynamoDbErrors.failure("save " + what, table, e);
  }

  @Override
  public boolean keepsCampaigns() {
    return true;
  }

  @Override
  public void saveCampaign(Lease writer, SavedCampaign campaign) {
    Arguments.required(campaign, "campaign").requireWriter(writer);
    int bytes = campaign.state().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_RECORD_BYTES) {
      throw new StoreException("cannot save campaign " + campaign.id() + " in DynamoDB table "
          + table + ": its state is " + bytes + " bytes and a DynamoDB item holds at most 400 KB;"
          + " use the PostgreSQL or file store for campaigns this long");
    }
    try {
      DynamoDbErrors.call("save campaign " + campaign.id(), table,
          () -> client.transactWriteItems(b -> b.transactItems(CampaignItems.save(table, writer,
              campaign))));
    } catch (TransactionCanceledException e) {
      throw refusal(writer, "campaign " + campaign.id(), "the stored campaign of that id is"
          + " fenced by another lease", e);
    }
  }

  @Override
  public Optional<SavedCampaign> campaign(String campaignId) {
    Arguments.notBlank(campaignId, "campaignId");
    Map<String, AttributeValue> item = DynamoDbErrors.call("load campaign " + campaignId, table,
        () -> client.getItem(b -> b.tableName(table).key(CampaignItems.key(campaignId))
            .consistentRead(true)).item());
    return item == null || item.isEmpty() ? Optional.empty()
        : Optional.of(CampaignItems.read(campaignId, item));
  }

  @Override
  public List<SavedCampaign> unfinishedCampaigns() {
    List<SavedCampaign> out = new ArrayList<>();
    for (Map<String, AttributeValue> entry : query("list unfinished campaigns",
        CampaignItems.UNFINISHED_PK)) {
      campaign(Items.text(entry, Items.SK)).filter(c -> !c.finished()).ifPresent(out::add);
    }
    out.sort(Comparator.comparing(SavedCampaign::id));
    return out;
  }

  private Optional<Instant> ttl(RolloutRecord record) {
    return record.isFinished() ? finishedTtl.map(d -> record.rollout().updatedAt().plus(d))
        : Optional.empty();
  }

  @Override
  public Optional<RolloutRecord> load(String rolloutId) {
    Arguments.notBlank(rolloutId, "rolloutId");
    Map<String, AttributeValue> item = DynamoDbErrors.call("load rollout " + rolloutId, table,
        () -> client.getItem(b -> b.tableName(table).key(Items.recordKey(rolloutId))
            .consistentRead(true)).item());
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RolloutRecord.fromJson(Items.text(item, RECORD)));
  }

  @Override
  public List<RolloutRecord> unfinished() {
    List<Map<String, AttributeValue>> index = query("list unfinished rollouts",
        Items.UNFINISHED_PK);
    List<RolloutRecord> out = new ArrayList<>();
    for (Map<String, AttributeValue> entry : index) {
      // an entry of a record finished since the query was answered reads finished: skipped
      load(Items.text(entry, Items.SK)).filter(r -> !r.isFinished()).ifPresent(out::add);
    }
    out.sort(Comparator.comparing((RolloutRecord r) -> r.rollout().startedAt())
        .thenComparing(RolloutRecord::id));
    return out;
  }

  @Override
  public Optional<LaunchSpec> launchSpec(Revision revision) {
    Arguments.required(revision, "revision");
    Map<String, AttributeValue> item = DynamoDbErrors.call("find the launch spec of "
        + revision.id(), table, () -> client.getItem(b -> b.tableName(table)
            .key(Items.revisionKey(revision.id())).consistentRead(true)).item());
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return load(Items.text(item, ROLLOUT_ID))
        .flatMap(r -> RolloutStore.launchSpecIn(List.of(r), revision));
  }

  @Override
  public void request(ControlRequest request) {
    Arguments.required(request, "request");
    try {
      DynamoDbErrors.call("store control request " + request.id() + " for rollout "
          + request.rolloutId(), table, () -> client.putItem(b -> b.tableName(table)
              .item(RecordItems.request(request)).conditionExpression("attribute_not_exists(#pk)")
              .expressionAttributeNames(Map.of("#pk", PK))));
      LOG.debug("control requested rollout={} request={} control={}", request.rolloutId(),
          request.id(), request.control());
    } catch (ConditionalCheckFailedException e) {
      // stored before: requests are idempotent by id
    }
  }

  @Override
  public List<ControlRequest> requests(String rolloutId) {
    Arguments.notBlank(rolloutId, "rolloutId");
    List<ControlRequest> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : query("list control requests for rollout "
        + rolloutId, Items.controlsPk(rolloutId))) {
      out.add(RecordItems.request(rolloutId, item));
    }
    return RolloutStore.oldestFirst(out);
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
    return leases.read(Arguments.notBlank(fleet, "fleet"));
  }

  /** Closes the client if {@link #builder(Region)} created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  /** Every item of a partition, strongly consistent, through all pages. */
  private List<Map<String, AttributeValue>> query(String what, String pk) {
    QueryRequest request = QueryRequest.builder().tableName(table)
        .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", PK))
        .expressionAttributeValues(Map.of(":pk", Items.s(pk))).consistentRead(true).build();
    return DynamoDbErrors.call(what, table, () -> {
      List<Map<String, AttributeValue>> out = new ArrayList<>();
      client.queryPaginator(request).items().forEach(out::add);
      return out;
    });
  }

  /** Configures a {@link DynamoDbRolloutStore}. Not thread-safe. */
  public static final class Builder {
    private final DynamoDbClient client;
    private final boolean ownsClient;
    private String table = "molt-rollouts";
    private boolean createTable = true;
    private Optional<Duration> finishedTtl = Optional.of(Duration.ofDays(30));
    private String ttlAttribute = "ttl";

    private Builder(DynamoDbClient client, boolean ownsClient) {
      this.client = client;
      this.ownsClient = ownsClient;
    }

    /**
     * Sets the table (default {@code molt-rollouts}); engines sharing fleets must use the same.
     *
     * @param name 3 to 255 letters, digits, {@code _ - .}
     * @return this builder
     * @throws dev.molt.InvalidSpecException if it is not a DynamoDB table name
     */
    public Builder table(String name) {
      this.table = Schema.requireTableName(name);
      return this;
    }

    /**
     * Whether {@link #build()} creates the table when it is absent (default true; on-demand
     * capacity, TTL on {@link #ttlAttribute}). Off, a missing table fails {@code build()}.
     *
     * @param create whether to create it
     * @return this builder
     */
    public Builder createTableIfAbsent(boolean create) {
      this.createTable = create;
      return this;
    }

    /**
     * Finished records get a TTL of their last update plus {@code retention} (default 30 days),
     * after which DynamoDB deletes them (within days, as its TTL does).
     *
     * @param retention how long to keep a finished record
     * @return this builder
     */
    public Builder expireFinishedRecordsAfter(Duration retention) {
      this.finishedTtl = Optional.of(Arguments.positive(retention, "retention"));
      return this;
    }

    /**
     * Finished records get no TTL: they stay until deleted by hand.
     *
     * @return this builder
     */
    public Builder keepFinishedRecords() {
      this.finishedTtl = Optional.empty();
      return this;
    }

    /**
     * Sets the TTL attribute's name (default {@code ttl}): the one the table's TTL is enabled on.
     *
     * @param name the attribute name: letters, digits, {@code _ - .}, none of the store's own
     * @return this builder
     * @throws dev.molt.InvalidSpecException if it is not such a name
     */
    public Builder ttlAttribute(String name) {
      this.ttlAttribute = Schema.requireAttributeName(name);
      return this;
    }

    /**
     * Checks the table, creating it if absent and allowed, and returns the store.
     *
     * @return the store
     * @throws StoreException if the table is missing (and not to be created), has another key
     *     schema, or DynamoDB cannot be reached
     */
    public DynamoDbRolloutStore build() {
      Schema.ensure(client, table, createTable, ttlAttribute, finishedTtl.isPresent());
      return new DynamoDbRolloutStore(this);
    }
  }
}
