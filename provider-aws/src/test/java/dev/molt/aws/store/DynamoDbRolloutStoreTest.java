package dev.molt.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.molt.InvalidSpecException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import dev.molt.testkit.store.StoreRecords;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the DynamoDB store does beyond the contract: the table it creates, the TTL of finished
 * records, the unfinished list as a query, atomic refusals, size limits, retries and failures.
 */
class DynamoDbRolloutStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);
  private final DynamoDbFixture aws = new DynamoDbFixture();

  @AfterEach
  void close() {
    aws.close();
  }

  private Map<String, JsonNode> item(String pk, String sk) {
    return aws.fake.item(DynamoDbFixture.TABLE, FakeKeys.of(pk, sk));
  }

  @Test
  void buildCreatesTheTableOnceWithItsKeysAndTtl() {
    aws.store();
    aws.store();

    DynamoDbClient db = aws.client();
    assertThat(db.describeTable(b -> b.tableName(DynamoDbFixture.TABLE)).table().keySchema())
        .isEqualTo(Schema.KEYS);
    assertThat(db.describeTimeToLive(b -> b.tableName(DynamoDbFixture.TABLE))
        .timeToLiveDescription().attributeName()).isEqualTo("ttl");
    assertThat(aws.fake.calls("CreateTable")).isEqualTo(1);
    assertThat(aws.fake.calls("UpdateTimeToLive")).isEqualTo(1);
  }

  @Test
  void namesDynamoDbOrTheStoreCannotUseAreRefusedBeforeAnyCall() {
    DynamoDbRolloutStore.Builder builder = DynamoDbRolloutStore.builder(aws.client());
    assertThatThrownBy(() -> builder.table("ab")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("not a DynamoDB table name");
    assertThatThrownBy(() -> builder.table("molt rollouts"))
        .isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> builder.ttlAttribute("record"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("the store's own");
    assertThatThrownBy(() -> builder.expireFinishedRecordsAfter(Duration.ZERO))
        .isInstanceOf(InvalidSpecException.class);
    assertThat(aws.fake.calls("DescribeTable")).isZero();
  }

  @Test
  void aMissingTableIsRefusedWhenTheStoreMayNotCreateIt() {
    assertThatThrownBy(() -> DynamoDbRolloutStore.builder(aws.client()).table("absent")
        .createTableIfAbsent(false).build()).isInstanceOf(StoreException.class)
        .hasMessageContaining("DynamoDB table absent does not exist")
        .hasMessageContaining("docs/store-dynamodb.md");
    assertThat(aws.fake.calls("CreateTable")).isZero();
  }

  @Test
  void aTableOfAnotherKeySchemaIsRefused() {
    aws.client().createTable(b -> b.tableName("other").billingMode("PAY_PER_REQUEST")
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));

    assertThatThrownBy(() -> DynamoDbRolloutStore.builder(aws.client()).table("other").build())
        .isInstanceOf(StoreException.class).hasMessageContaining("table other has the key schema")
        .hasMessageContaining("string partition key pk and a string sort key sk");
  }

  @Test
  void finishedRecordsCarryATtlOfTheirLastUpdatePlusTheRetention() {
    DynamoDbRolloutStore store = DynamoDbRolloutStore.builder(aws.client())
        .table(DynamoDbFixture.TABLE).expireFinishedRecordsAfter(Duration.ofDays(2))
        .ttlAttribute("expires").build();
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    store.save(web, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 3));

    assertThat(item("rollout#ro-1", "record")).doesNotContainKey("expires");
    assertThat(item("unfinished", "ro-1")).isNotNull();

    RolloutRecord done = StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 9);
    store.save(web, done);
    long expected = done.rollout().updatedAt().plus(Duration.ofDays(2)).getEpochSecond();
    assertThat(item("rollout#ro-1", "record").get("expires"))
        .isEqualTo(AttributeValues.n(BigDecimal.valueOf(expected)));
    assertThat(item("revision#" + done.spec().target().revision().id(), "launch-spec")
        .get("expires")).as("the revision's pointer expires with it").isNotNull();
    assertThat(item("unfinished", "ro-1")).as("left the unfinished partition").isNull();
    assertThat(store.unfinished()).isEmpty();
    assertThat(store.load("ro-1")).contains(done);
  }

  @Test
  void aStoreThatKeepsFinishedRecordsGivesThemNoTtl() {
    DynamoDbRolloutStore store = DynamoDbRolloutStore.builder(aws.client())
        .table(DynamoDbFixture.TABLE).keepFinishedRecords().build();
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    store.save(web, StoreRecords.record("ro-1", "web", RolloutPhase.FAILED, T0, 3));

    assertThat(item("rollout#ro-1", "record")).doesNotContainKey("ttl").containsKey("record");
  }

  @Test
  void unfinishedIsAStronglyConsistentQueryOfOnePartitionPageByPageNeverAScan() {
    DynamoDbRolloutStore store = aws.store();
    for (int i = 0; i < 5; i++) {
      Lease l = store.acquire("fleet-" + i, "engine-a", T0, TTL);
      store.save(l, StoreRecords.record("ro-" + i, "fleet-" + i, RolloutPhase.PROGRESSING,
          T0.minusSeconds(i), 2));
    }
    aws.fake.pageSize(2);
    int queries = aws.fake.calls("Query");

    assertThat(store.unfinished()).extracting(RolloutRecord::id)
        .containsExactly("ro-4", "ro-3", "ro-2", "ro-1", "ro-0");
    assertThat(aws.fake.calls("Query") - queries).as("five entries in pages of two").isEqualTo(3);
    assertThat(aws.fake.calls("Scan")).isZero();
  }

  @Test
  void aStaleSaveWritesNoneOfTheItemsOfItsTransaction() {
    DynamoDbRolloutStore store = aws.store();
    Lease old = store.acquire("web", "engine-a", T0, TTL);
    store.save(old, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2));
    aws.store().acquire("web", "engine-b", T0.plus(TTL), TTL);
    int items = aws.fake.size(DynamoDbFixture.TABLE);

    assertThatThrownBy(() -> store.save(old, StoreRecords.record("ro-2", "web",
        RolloutPhase.PROGRESSING, T0, 2))).isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.save(old, StoreRecords.record("ro-1", "web",
        RolloutPhase.SUCCEEDED, T0, 2))).isInstanceOf(StaleLeaseException.class);

    assertThat(aws.fake.size(DynamoDbFixture.TABLE)).isEqualTo(items);
    assertThat(item("unfinished", "ro-2")).isNull();
    assertThat(item("unfinished", "ro-1")).as("still unfinished").isNotNull();
  }

  @Test
  void aRecordOfTheSameIdFromAnotherFleetIsRefusedNotOverwritten() {
    DynamoDbRolloutStore store = aws.store();
    RolloutRecord web = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2);
    store.save(store.acquire("web", "engine-a", T0, TTL), web);

    assertThatThrownBy(() -> store.save(store.acquire("api", "engine-a", T0, TTL),
        StoreRecords.record("ro-1", "api", RolloutPhase.PROGRESSING, T0, 2)))
        .isInstanceOf(StoreException.class).isNotInstanceOf(StaleLeaseException.class)
        .hasMessageContaining("belongs to another fleet");
    assertThat(store.load("ro-1")).contains(web);
  }

  @Test
  void aRecordTooLargeForOneItemIsRefusedBeforeAnyCall() {
    DynamoDbRolloutStore store = aws.store();
    Lease web = store.acquire("web", "engine-a", T0, TTL);

    assertThatThrownBy(() -> store.save(web, StoreRecords.record("ro-1", "web",
        RolloutPhase.PROGRESSING, T0, 6000))).isInstanceOf(StoreException.class)
        .hasMessageContaining("rollout ro-1 of fleet web")
        .hasMessageContaining("a DynamoDB item holds at most 400 KB");
    assertThat(aws.fake.calls("TransactWriteItems")).isZero();
  }

  @Test
  void throttlingServerErrorsAndTransactionConflictsAreRetriedByTheStoresStrategy() {
    DynamoDbRolloutStore store = DynamoDbRolloutStore.builder(aws.client(
        DynamoDbRolloutStore.retryStrategy())).table(DynamoDbFixture.TABLE).build();
    aws.fake.failNext("UpdateItem", 500, "InternalServerError", 2);
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    assertThat(aws.fake.calls("UpdateItem")).isEqualTo(3);

    aws.fake.conflictNextTransactions(1);
    RolloutRecord saved = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2);
    store.save(web, saved);
    assertThat(aws.fake.calls("TransactWriteItems")).isEqualTo(2);
    assertThat(store.load("ro-1")).contains(saved);
  }

  @Test
  void aRefusalIsNeverRetried() {
    DynamoDbRolloutStore store = DynamoDbRolloutStore.builder(aws.client(
        DynamoDbRolloutStore.retryStrategy())).table(DynamoDbFixture.TABLE).build();
    Lease old = store.acquire("web", "engine-a", T0, TTL);
    store.acquire("web", "engine-b", T0.plus(TTL), TTL);
    int updates = aws.fake.calls("UpdateItem");
    int transactions = aws.fake.calls("TransactWriteItems");

    assertThatThrownBy(() -> store.save(old, StoreRecords.record("ro-1", "web",
        RolloutPhase.PROGRESSING, T0, 2))).isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.renew(old, T0.plus(TTL), TTL))
        .isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.acquire("web", "engine-a", T0.plus(TTL), TTL))
        .isInstanceOf(FleetLockedException.class);
    assertThat(aws.fake.calls("TransactWriteItems") - transactions).isEqualTo(1);
    assertThat(aws.fake.calls("UpdateItem") - updates).isEqualTo(2);
  }

  @Test
  void aFailureIsAStoreExceptionNamingTheOperationTheTableAndTheAnswer() {
    DynamoDbRolloutStore store = aws.store();
    aws.fake.failNext("GetItem", 500, "InternalServerError", 1);

    assertThatThrownBy(() -> store.load("ro-1")).isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot load rollout ro-1 in DynamoDB table molt-test")
        .hasMessageContaining("500 InternalServerError");
    aws.fake.failNext("UpdateItem", 400, "AccessDeniedException", 1);
    assertThatThrownBy(() -> store.acquire("web", "engine-a", T0, TTL))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot acquire the lease of fleet web")
        .hasMessageContaining("AccessDeniedException").hasMessageContaining("IAM actions");
  }

  @Test
  void anUnreachableEndpointFailsTheBuildNamingTheTable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    DynamoDbClient nowhere = DynamoDbClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    try (nowhere) {
      assertThatThrownBy(() -> DynamoDbRolloutStore.builder(nowhere).table("molt-x").build())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("cannot check the table in DynamoDB table molt-x");
    }
  }
}
