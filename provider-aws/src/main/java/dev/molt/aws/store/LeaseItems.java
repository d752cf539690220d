package dev.molt.aws.store;

import static dev.molt.aws.store.Items.EXPIRES_AT;
import static dev.molt.aws.store.Items.GRANTED_AT;
import static dev.molt.aws.store.Items.HOLDER;
import static dev.molt.aws.store.Items.PK;
import static dev.molt.aws.store.Items.RELEASED;
import static dev.molt.aws.store.Items.TOKEN;

import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lease items: one per fleet that ever had a lease ({@code pk = fleet#<fleet>}, {@code sk =
 * lease}), holding the holder, the expiry, the newest fencing token and whether the lease was
 * released. Every change is one conditional {@code UpdateItem}, so DynamoDB decides races: no
 * read-then-write. A refused write returns the item as it was ({@code
 * ReturnValuesOnConditionCheckFailure=ALL_OLD}), which names the holder or the newest token.
 */
final class LeaseItems {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseItems.class);
  /** Every attribute through a placeholder: {@code token} and others are reserved words. */
  static final Map<String, String> NAMES = Map.of("#pk", PK, "#holder", HOLDER,
      "#expiresAt", EXPIRES_AT, "#token", TOKEN, "#released", RELEASED,
      "#grantedAt", GRANTED_AT);
  /**
   * Grants the lease when the item is new, released, lapsed at the caller's now, or already the
   * holder's; each grant takes the next token.
   */
  private static final String ACQUIRE_IF = "attribute_not_exists(#pk) OR #released = :true"
      + " OR #expiresAt <= :now OR #holder = :holder";
  private static final String ACQUIRE = "SET #holder = :holder, #expiresAt = :expiresAt,"
      + " #released = :false, #grantedAt = :now, #token = if_not_exists(#token, :zero) + :one";
  /** The lease the caller holds is the fleet's current one: the fencing condition. */
  static final String CURRENT_IF = "#holder = :holder AND #token = :token AND #released = :false";

  private final DynamoDbClient client;
  private final String table;

  LeaseItems(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    UpdateItemRequest request = UpdateItemRequest.builder().tableName(table)
        .key(Items.leaseKey(fleet)).updateExpression(ACQUIRE).conditionExpression(ACQUIRE_IF)
        .expressionAttributeNames(NAMES)
        .expressionAttributeValues(Map.of(":holder", Items.s(holder), ":expiresAt",
            Items.time(now.plus(ttl)), ":now", Items.time(now), ":true", Items.bool(true),
            ":false", Items.bool(false), ":zero", Items.n(0), ":one", Items.n(1)))
        .returnValues(ReturnValue.ALL_NEW)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    try {
      Map<String, AttributeValue> item = DynamoDbErrors.call("acquire the lease of fleet "
          + fleet, table, () -> client.updateItem(request).attributes());
      Lease granted = Items.lease(fleet, item).orElseThrow(() -> new StoreException(
          "DynamoDB table " + table + " granted the lease of fleet " + fleet + " but returned"
              + " no lease item"));
      LOG.debug("lease granted fleet={} holder={} token={} expiresAt={}", fleet, holder,
          granted.token(), granted.expiresAt());
      return granted;
    } catch (ConditionalCheckFailedException e) {
      // the condition failed on this item: held by another holder, not lapsed at now
      Lease held = Items.lease(fleet, e.hasItem() ? e.item() : Map.of())
          .orElseThrow(() -> new StoreException("DynamoDB table " + table + " refused the lease"
              + " of fleet " + fleet + " to '" + holder + "' but returned no holder", e));
      throw new FleetLockedException(held);
    }
  }

  Lease renew(Lease lease, Instant now, Duration ttl) {
    Instant expires = now.plus(ttl);
    UpdateItemRequest request = UpdateItemRequest.builder().tableName(table)
        .key(Items.leaseKey(lease.fleet())).updateExpression("SET #expiresAt = :expiresAt")
        .conditionExpression(CURRENT_IF).expressionAttributeNames(names("#expiresAt", "#holder",
            "#token", "#released"))
        .expressionAttributeValues(Map.of(":expiresAt", Items.time(expires), ":holder",
            Items.s(lease.holder()), ":token", Items.n(lease.token()), ":false", Items.bool(false)))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    try {
      DynamoDbErrors.call("renew the lease of fleet " + lease.fleet(), table,
          () -> client.updateItem(request));
      return lease.withExpiresAt(expires);
    } catch (ConditionalCheckFailedException e) {
      throw stale(lease, e.hasItem() ? e.item() : Map.of(), "renewal");
    }
  }

  void release(Lease lease) {
    UpdateItemRequest request = UpdateItemRequest.builder().tableName(table)
        .key(Items.leaseKey(lease.fleet())).updateExpression("SET #released = :true")
        .conditionExpression(CURRENT_IF).expressionAttributeNames(names("#holder", "#token",
            "#released"))
        .expressionAttributeValues(Map.of(":true", Items.bool(true), ":holder",
            Items.s(lease.holder()), ":token", Items.n(lease.token()), ":false", Items.bool(false)))
        .build();
    try {
      DynamoDbErrors.call("release the lease of fleet " + lease.fleet(), table,
          () -> client.updateItem(request));
      LOG.debug("lease released fleet={} holder={} token={}", lease.fleet(), lease.holder(),
          lease.token());
    } catch (ConditionalCheckFailedException e) {
      // released already, or superseded by a newer grant: nothing to do
    }
  }

  Optional<Lease> read(String fleet) {
    Map<String, AttributeValue> item = DynamoDbErrors.call("read the lease of fleet " + fleet,
        table, () -> client.getItem(b -> b.tableName(table).key(Items.leaseKey(fleet))
            .consistentRead(true)).item());
    return Items.lease(fleet, item == null ? Map.of() : item);
  }

  /** The refusal of {@code writer}, naming the fleet's newest token and holder in {@code item}. */
  static StaleLeaseException stale(Lease writer, Map<String, AttributeValue> item, String what) {
    return new StaleLeaseException(writer, Items.newestToken(item),
        Items.lease(writer.fleet(), item).map(Lease::holder), what);
  }

  /** @return the placeholders among {@link #NAMES} that an expression uses */
  static Map<String, String> names(String... placeholders) {
    Map<String, String> out = new HashMap<>();
    for (String p : placeholders) {
      out.put(p, NAMES.get(p));
    }
    return out;
  }
}
