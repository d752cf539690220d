package dev.molt.aws.store;

import static dev.molt.aws.store.Items.FINISHED;
import static dev.molt.aws.store.Items.FLEET;
import static dev.molt.aws.store.Items.PK;
import static dev.molt.aws.store.Items.RECORD;
import static dev.molt.aws.store.Items.ROLLOUT_ID;
import static dev.molt.aws.store.Items.SK;
import static dev.molt.aws.store.Items.STARTED_AT;
import static dev.molt.aws.store.Items.TOKEN;

import dev.molt.Revision;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The items of a save, of a control request, and how they read back. A save is one transaction:
 *
 * <ol>
 *   <li>{@code ConditionCheck} of the fleet's lease item: {@value LeaseItems#CURRENT_IF} — the
 *       writer's lease is the fleet's current one; the item's token is the newest ever issued, so
 *       an equal token is the newest;
 *   <li>{@code Put} of the record item, if the stored record of that id is of the same fleet and
 *       was not written under a newer token;
 *   <li>{@code Put} of the record's entry in the {@code unfinished} partition, or its {@code
 *       Delete} once the record is finished;
 *   <li>{@code Put} of the pointer item of each revision the record names (target, previous).
 * </ol>
 *
 * DynamoDB applies all or none; a failed condition cancels the transaction with a reason per
 * item, the lease item's as it was ({@code ALL_OLD}) for the refusal's message.
 */
final class RecordItems {
  private static final String PUT_IF = "attribute_not_exists(#pk)"
      + " OR (#fleet = :fleet AND #token <= :token)";
  static final String CONTROL = "control";
  static final String REASON = "reason";
  static final String REQUESTED_BY = "requestedBy";
  static final String REQUESTED_AT = "requestedAt";

  private RecordItems() {}

  static List<TransactWriteItem> save(String table, Lease writer, RolloutRecord record,
      String json, Optional<Instant> ttl, String ttlAttribute) {
    List<TransactWriteItem> out = new ArrayList<>();
    out.add(currentLease(table, writer));

    Map<String, AttributeValue> item = new HashMap<>(Items.recordKey(record.id()));
    item.put(FLEET, Items.s(record.fleet()));
    item.put(RECORD, Items.s(json));
    item.put(FINISHED, Items.bool(record.isFinished()));
    item.put(STARTED_AT, Items.time(record.rollout().startedAt()));
    item.put(TOKEN, Items.n(writer.token()));
    ttl.ifPresent(t -> item.put(ttlAttribute, Items.n(t.getEpochSecond())));
    out.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
        .conditionExpression(PUT_IF)
        .expressionAttributeNames(Map.of("#pk", PK, "#fleet", FLEET, "#token", TOKEN))
        .expressionAttributeValues(Map.of(":fleet", Items.s(record.fleet()), ":token",
            Items.n(writer.token()))).build()).build());

    if (record.isFinished()) {
      out.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
          .key(Items.unfinishedKey(record.id())).build()).build());
    } else {
      Map<String, AttributeValue> entry = new HashMap<>(Items.unfinishedKey(record.id()));
      entry.put(FLEET, Items.s(record.fleet()));
      entry.put(STARTED_AT, Items.time(record.rollout().startedAt()));
      out.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry)
          .build()).build());
    }

    Set<Revision> named = new LinkedHashSet<>();
    named.add(record.spec().target().revision());
    record.previous().ifPresent(p -> named.add(p.revision()));
    for (Revision revision : named) {
      Map<String, AttributeValue> pointer = new HashMap<>(Items.revisionKey(revision.id()));
      pointer.put(ROLLOUT_ID, Items.s(record.id()));
      ttl.ifPresent(t -> pointer.put(ttlAttribute, Items.n(t.getEpochSecond())));
      out.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(pointer)
          .build()).build());
    }
    return out;
  }

  /**
   * The first item of a save's transaction: a {@code ConditionCheck} that {@code writer} is the
   * current lease of its name ({@value LeaseItems#CURRENT_IF}), returning the lease item as it was
   * when it is not, for the refusal's message.
   */
  static TransactWriteItem currentLease(String table, Lease writer) {
    return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
        .key(Items.leaseKey(writer.fleet())).conditionExpression(LeaseItems.CURRENT_IF)
        .expressionAttributeNames(LeaseItems.names("#holder", "#token", "#released"))
        .expressionAttributeValues(Map.of(":holder", Items.s(writer.holder()), ":token",
            Items.n(writer.token()), ":false", Items.bool(false)))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build()).build();
  }

  static Map<String, AttributeValue> request(ControlRequest request) {
    Map<String, AttributeValue> item = new HashMap<>(Items.key(
        Items.controlsPk(request.rolloutId()), request.id()));
    item.put(CONTROL, Items.s(request.control().name()));
    request.reason().ifPresent(r -> item.put(REASON, Items.s(r)));
    item.put(REQUESTED_BY, Items.s(request.requestedBy()));
    item.put(REQUESTED_AT, Items.time(request.requestedAt()));
    return item;
  }

  static ControlRequest request(String rolloutId, Map<String, AttributeValue> item) {
    return new ControlRequest(Items.text(item, SK), rolloutId,
        ControlRequest.Control.valueOf(Items.text(item, CONTROL)),
        Optional.ofNullable(item.get(REASON)).map(AttributeValue::s),
        Items.text(item, REQUESTED_BY), Items.instant(item.get(REQUESTED_AT)));
  }
}
