package dev.molt.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The stub as the SDK sees it: every answer and error document unmarshalled by the real client,
 * so a shape the SDK does not read as DynamoDB's fails here.
 */
class FakeDynamoDbTest {
  private DynamoDbFixture aws;
  private DynamoDbClient db;

  @BeforeEach
  void createTable() {
    aws = new DynamoDbFixture();
    db = aws.client();
    createTable(db);
  }

  private static void createTable(DynamoDbClient db) {
    db.createTable(b -> b.tableName("tbl").billingMode("PAY_PER_REQUEST")
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
            k -> k.attributeName("sk").keyType(KeyType.RANGE))
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
  }

  @AfterEach
  void close() {
    aws.close();
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
  }

  private void put(String pk, String sk, long n) {
    Map<String, AttributeValue> item = new HashMap<>(key(pk, sk));
    item.put("n", AttributeValue.fromN(Long.toString(n)));
    db.putItem(b -> b.tableName("tbl").item(item));
  }

  @Test
  void tablesAreDescribedAndATableIsCreatedOnce() {
    assertThat(db.describeTable(b -> b.tableName("tbl")).table().keySchema())
        .isEqualTo(Schema.KEYS);
    assertThatThrownBy(() -> createTable(db)).isInstanceOf(ResourceInUseException.class);
    assertThatThrownBy(() -> db.describeTable(b -> b.tableName("nope")))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nope");
  }

  @Test
  void aFailedConditionIsAConditionalCheckFailedExceptionCarryingTheItemIfAsked() {
    put("a", "1", 5);
    assertThatThrownBy(() -> db.updateItem(b -> b.tableName("tbl").key(key("a", "1"))
        .updateExpression("SET n = n + :one").conditionExpression("n > :five")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":five",
            AttributeValue.fromN("5")))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
        .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The conditional request"
              + " failed");
          assertThat(e.item()).containsEntry("n", AttributeValue.fromN("5"));
        });
    assertThatThrownBy(() -> db.deleteItem(b -> b.tableName("tbl").key(key("a", "1"))
        .conditionExpression("attribute_not_exists(pk)")))
        .isInstanceOfSatisfying(ConditionalCheckFailedException.class,
            e -> assertThat(e.hasItem()).as("not asked for").isFalse());

    Map<String, AttributeValue> updated = db.updateItem(b -> b.tableName("tbl").key(key("a", "1"))
        .updateExpression("SET n = n + :one").conditionExpression("n >= :five")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":five",
            AttributeValue.fromN("5"))).returnValues(ReturnValue.ALL_NEW)).attributes();
    assertThat(updated).containsEntry("n", AttributeValue.fromN("6"))
        .containsEntry("pk", AttributeValue.fromS("a"));
  }

  @Test
  void anUpdateOfAMissingItemCreatesItWithItsKey() {
    db.updateItem(b -> b.tableName("tbl").key(key("new", "1")).updateExpression("SET n = :one")
        .conditionExpression("attribute_not_exists(pk)")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    assertThat(db.getItem(b -> b.tableName("tbl").key(key("new", "1"))).item())
        .isEqualTo(Map.of("pk", AttributeValue.fromS("new"), "sk", AttributeValue.fromS("1"),
            "n", AttributeValue.fromN("1")));
  }

  @Test
  void badRequestsAreValidationExceptionsAsDynamoDbWordsThem() {
    assertThatThrownBy(() -> db.putItem(b -> b.tableName("tbl").item(key("a", "1"))
        .conditionExpression("size = :x").expressionAttributeValues(Map.of(":x",
            AttributeValue.fromN("1")))))
        .isInstanceOfSatisfying(DynamoDbException.class, e -> {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid"
              + " ConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
              + " size");
        });
    assertThatThrownBy(() -> db.putItem(b -> b.tableName("tbl").item(key("a", "1"))
        .conditionExpression("attribute_not_exists(pk)").expressionAttributeNames(Map.of("#x",
            "x")))).hasMessageContaining("unused in expressions: keys: {#x}");
    assertThatThrownBy(() -> db.putItem(b -> b.tableName("tbl").item(Map.of("pk",
        AttributeValue.fromS("a"))))).hasMessageContaining("Missing the key sk in the item");
    assertThatThrownBy(() -> db.getItem(b -> b.tableName("tbl").key(Map.of("pk",
        AttributeValue.fromS("a"))))).hasMessageContaining("The provided key element does not"
            + " match the schema");
    assertThatThrownBy(() -> db.updateItem(b -> b.tableName("tbl").key(key("a", "1"))
        .updateExpression("SET pk = :v").expressionAttributeValues(Map.of(":v",
            AttributeValue.fromS("b"))))).hasMessageContaining("Cannot update attribute pk");
    Map<String, AttributeValue> huge = new HashMap<>(key("a", "1"));
    huge.put("blob", AttributeValue.fromS("x".repeat(401 * 1024)));
    assertThatThrownBy(() -> db.putItem(b -> b.tableName("tbl").item(huge)))
        .hasMessageContaining("Item size has exceeded the maximum allowed size");
    assertThat(aws.fake.size("tbl")).as("nothing was written").isZero();
  }

  @Test
  void aTransactionAppliesAllOrNoneAndNamesTheReasonOfEachItem() {
    put("a", "1", 1);
    put("a", "2", 1);
    List<TransactWriteItem> items = List.of(
        TransactWriteItem.builder().put(p -> p.tableName("tbl").item(key("b", "1"))).build(),
        TransactWriteItem.builder().conditionCheck(c -> c.tableName("tbl").key(key("a", "1"))
            .conditionExpression("n = :two").expressionAttributeValues(Map.of(":two",
                AttributeValue.fromN("2")))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
            .build(),
        TransactWriteItem.builder().delete(d -> d.tableName("tbl").key(key("a", "2"))).build());
    assertThatThrownBy(() -> db.transactWriteItems(b -> b.transactItems(items)))
        .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
          assertThat(e.cancellationReasons()).extracting(r -> r.code())
              .containsExactly("None", "ConditionalCheckFailed", "None");
          assertThat(e.cancellationReasons().get(1).item())
              .containsEntry("n", AttributeValue.fromN("1"));
          assertThat(e.getMessage()).contains("[None, ConditionalCheckFailed, None]");
        });
    assertThat(aws.fake.size("tbl")).as("nothing of it was applied").isEqualTo(2);

    put("a", "1", 2);
    db.transactWriteItems(b -> b.transactItems(items).clientRequestToken("tx-1"));
    assertThat(aws.fake.item("tbl", FakeKeys.of("a", "2"))).as("deleted").isNull();
    assertThat(aws.fake.item("tbl", FakeKeys.of("b", "1"))).as("put").isNotNull();
    put("a", "2", 1);
    db.transactWriteItems(b -> b.transactItems(items).clientRequestToken("tx-1"));
    assertThat(aws.fake.item("tbl", FakeKeys.of("a", "2"))).as("the same token again applies"
        + " nothing").isNotNull();

    assertThatThrownBy(() -> db.transactWriteItems(b -> b.transactItems(
        TransactWriteItem.builder().put(p -> p.tableName("tbl").item(key("c", "1"))).build(),
        TransactWriteItem.builder().delete(d -> d.tableName("tbl").key(key("c", "1"))).build())))
        .hasMessageContaining("cannot include multiple operations on one item");
  }

  @Test
  void aQueryReadsOnePartitionInSortKeyOrderPageByPage() {
    for (String sk : List.of("c", "a", "b", "é", "z")) {
      put("p", sk, 1);
    }
    put("other", "a", 1);
    aws.fake.pageSize(2);
    QueryRequest request = QueryRequest.builder().tableName("tbl")
        .keyConditionExpression("#pk = :p").expressionAttributeNames(Map.of("#pk", "pk"))
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))
        .consistentRead(true).build();
    List<String> keys = new ArrayList<>();
    db.queryPaginator(request).items().forEach(i -> keys.add(i.get("sk").s()));

    assertThat(keys).containsExactly("a", "b", "c", "z", "é");
    assertThat(aws.fake.calls("Query")).as("five items in pages of two").isEqualTo(3);
    List<String> fromB = new ArrayList<>();
    db.queryPaginator(request.toBuilder().keyConditionExpression("#pk = :p AND sk > :b")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p"), ":b",
            AttributeValue.fromS("b"))).scanIndexForward(false).build()).items()
        .forEach(i -> fromB.add(i.get("sk").s()));
    assertThat(fromB).containsExactly("é", "z", "c");
    assertThatThrownBy(() -> db.query(request.toBuilder().keyConditionExpression(
        "#pk > :p").build())).hasMessageContaining("the key condition must be pk = :value");
  }
}
