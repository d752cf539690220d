package dev.molt.aws.store;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.store.StoreException;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The table's shape: a string partition key {@code pk} and a string sort key {@code sk}, no
 * index, on-demand capacity, TTL on the store's TTL attribute. {@link #ensure} creates it when
 * absent (engines starting together: one creates it, the others find it in use and wait for it)
 * and refuses a table of another key schema.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
  static final List<KeySchemaElement> KEYS = List.of(
      KeySchemaElement.builder().attributeName(Items.PK).keyType(KeyType.HASH).build(),
      KeySchemaElement.builder().attributeName(Items.SK).keyType(KeyType.RANGE).build());

  private Schema() {}

  static String requireTableName(String name) {
    Arguments.notBlank(name, "table");
    if (!TABLE.matcher(name).matches()) {
      throw new InvalidSpecException("table", "'" + name + "' is not a DynamoDB table name:"
          + " use 3 to 255 letters, digits, _ - and .");
    }
    return name;
  }

  static String requireAttributeName(String name) {
    Arguments.notBlank(name, "ttlAttribute");
    if (!ATTRIBUTE.matcher(name).matches() || Items.NAMES.contains(name)) {
      throw new InvalidSpecException("ttlAttribute", "'" + name + "' must be letters, digits,"
          + " _ - and . and none of the store's own attributes " + Items.NAMES);
    }
    return name;
  }

  static void ensure(DynamoDbClient client, String table, boolean create, String ttlAttribute,
      boolean expiring) {
    DynamoDbErrors.call("check the table", table, () -> {
      TableDescription found;
      try {
        found = client.describeTable(b -> b.tableName(table)).table();
      } catch (ResourceNotFoundException e) {
        if (!create) {
          throw new StoreException("DynamoDB table " + table + " does not exist; create it"
              + " with the shape in docs/store-dynamodb.md or let the store create it"
              + " (createTableIfAbsent(true))", e);
        }
        found = createTable(client, table);
        enableTtl(client, table, ttlAttribute);
      }
      if (!KEYS.equals(found.keySchema())) {
        throw new StoreException("DynamoDB table " + table + " has the key schema "
            + found.keySchema() + "; the store needs a string partition key pk and a string"
            + " sort key sk (see docs/store-dynamodb.md): use another table");
      }
      if (expiring) {
        warnWithoutTtl(client, table, ttlAttribute);
      }
      return null;
    });
  }

  private static TableDescription createTable(DynamoDbClient client, String table) {
    try {
      client.createTable(b -> b.tableName(table).keySchema(KEYS)
          .attributeDefinitions(string(Items.PK), string(Items.SK))
          .billingMode(BillingMode.PAY_PER_REQUEST));
      LOG.info("table created table={} keys=pk,sk billing=on-demand", table);
    } catch (ResourceInUseException e) {
      LOG.debug("table={} is being created by another engine", table);
    }
    // the SDK's waiter polls DescribeTable with back-off until the table is ACTIVE
    return client.waiter().waitUntilTableExists(b -> b.tableName(table)).matched().response()
        .orElseThrow(() -> new StoreException("DynamoDB table " + table + " did not become"
            + " active")).table();
  }

  private static void enableTtl(DynamoDbClient client, String table, String attribute) {
    TimeToLiveDescription ttl = client.describeTimeToLive(b -> b.tableName(table))
        .timeToLiveDescription();
    if (ttl.timeToLiveStatus() == TimeToLiveStatus.DISABLED) {
      client.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(s -> s
          .enabled(true).attributeName(attribute)));
      LOG.info("ttl enabled table={} attribute={}", table, attribute);
    }
  }

  private static void warnWithoutTtl(DynamoDbClient client, String table, String attribute) {
    TimeToLiveDescription ttl = client.describeTimeToLive(b -> b.tableName(table))
        .timeToLiveDescription();
    boolean on = ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED
        || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING;
    if (!on || !attribute.equals(ttl.attributeName())) {
      LOG.warn("ttl not enabled table={} attribute={} status={}: finished records are not"
          + " deleted by DynamoDB; enable TTL on that attribute", table, attribute,
          ttl.timeToLiveStatus());
    }
  }

  private static AttributeDefinition string(String name) {
    return AttributeDefinition.builder().attributeName(name)
        .attributeType(ScalarAttributeType.S).build();
  }
}
