package dev.molt.aws.store;

import static dev.molt.aws.store.FakeDynamoDb.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.molt.aws.store.Expressions.Condition;
import dev.molt.aws.store.Expressions.Placeholders;
import dev.molt.aws.store.Expressions.Update;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import dev.molt.aws.store.Tables.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TransactWriteItems: up to 100 actions (ConditionCheck, Put, Update, Delete) on distinct items,
 * every expression validated before anything is evaluated, every condition evaluated on the items
 * as they are, and then all applied or none. A failed condition (or an item grown past 400 KB)
 * cancels the transaction: {@code TransactionCanceledException} with one reason per action, in
 * order ({@code ConditionalCheckFailed} with the item if the action asked for {@code ALL_OLD},
 * {@code ValidationError}, or {@code None}). A {@code ClientRequestToken} seen before with the same
 * request returns success again without applying anything; with another request, {@code
 * IdempotentParameterMismatchException}.
 */
final class Transactions {
  private static final List<String> KINDS = List.of("ConditionCheck", "Put", "Update", "Delete");
  private final Tables tables;
  private final Map<String, JsonNode> tokens = new HashMap<>();

  Transactions(Tables tables) {
    this.tables = tables;
  }

  /** One action, parsed and validated. */
  private record Action(String kind, Table table, Map<String, JsonNode> key, JsonNode body,
      Optional<Condition> condition, Optional<Update> update, Map<String, JsonNode> item) {}

  JsonNode write(JsonNode body) {
    JsonNode items = body.path("TransactItems");
    if (!items.isArray() || items.isEmpty() || items.size() > 100) {
      throw new Refusal("ValidationException", "1 validation error detected: Value at"
          + " 'transactItems' failed to satisfy constraint: Member must have length less than or"
          + " equal to 100 and greater than or equal to 1");
    }
    ObjectNode request = body.deepCopy();
    request.remove("ClientRequestToken");
    String token = body.path("ClientRequestToken").asText("");
    if (!token.isEmpty() && tokens.containsKey(token)) {
      if (tokens.get(token).equals(request)) {
        return JSON.createObjectNode();
      }
      throw new Refusal("IdempotentParameterMismatchException", "The request with the client"
          + " token " + token + " was made before with other parameters");
    }
    List<Action> actions = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    for (JsonNode entry : items) {
      Action a = parse(entry);
      if (!seen.add(List.of(a.table().name, a.key()))) {
        throw new Refusal("ValidationException", "Transaction request cannot include multiple"
            + " operations on one item");
      }
      actions.add(a);
    }

    ArrayNode reasons = JSON.createArrayNode();
    List<Map<String, JsonNode>> results = new ArrayList<>();
    boolean cancelled = false;
    for (Action a : actions) {
      Optional<Map<String, JsonNode>> old = a.table().get(a.key());
      ObjectNode reason = JSON.createObjectNode();
      Map<String, JsonNode> result = null;
      if (a.condition().isPresent() && !a.condition().get().test(old.orElse(Map.of()))) {
        reason.put("Code", "ConditionalCheckFailed").put("Message", "The conditional request"
            + " failed");
        if ("ALL_OLD".equals(a.body().path("ReturnValuesOnConditionCheckFailure").asText())) {
          old.ifPresent(i -> reason.set("Item", Tables.object(i)));
        }
      } else {
        result = switch (a.kind()) {
          case "Put" -> a.item();
          case "Update" -> a.update().orElseThrow().apply(old.orElse(a.key()));
          default -> null;
        };
        if (result != null && AttributeValues.itemSize(result) > Tables.MAX_ITEM_BYTES) {
          reason.put("Code", "ValidationError").put("Message", "Item size has exceeded the"
              + " maximum allowed size");
        } else {
          reason.put("Code", "None");
        }
      }
      cancelled |= !reason.get("Code").asText().equals("None");
      reasons.add(reason);
      results.add(result);
    }
    if (cancelled) {
      List<String> codes = new ArrayList<>();
      reasons.forEach(r -> codes.add(r.get("Code").asText()));
      ObjectNode extra = JSON.createObjectNode();
      extra.set("CancellationReasons", reasons);
      throw new Refusal("TransactionCanceledException", 400, "Transaction cancelled, please refer"
          + " cancellation reasons for specific reasons " + codes, extra);
    }
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      switch (a.kind()) {
        case "Put", "Update" -> a.table().put(a.key(), results.get(i));
        case "Delete" -> a.table().remove(a.key());
        default -> { } // a condition check writes nothing
      }
    }
    if (!token.isEmpty()) {
      tokens.put(token, request);
    }
    return JSON.createObjectNode();
  }

  private Action parse(JsonNode entry) {
    List<String> kinds = KINDS.stream().filter(entry::has).toList();
    if (kinds.size() != 1) {
      throw new Refusal("ValidationException", "TransactItems can only contain one of Check,"
          + " Put, Update or Delete");
    }
    String kind = kinds.get(0);
    JsonNode body = entry.get(kind);
    Table table = tables.table(body);
    Placeholders p = Tables.placeholders(body);
    Optional<Condition> condition = Tables.optional(body, "ConditionExpression", p);
    Optional<Update> update = Optional.empty();
    Map<String, JsonNode> item = Map.of();
    Map<String, JsonNode> key;
    if (kind.equals("Put")) {
      item = Tables.fields(body.path("Item"));
      key = table.keyOf(item, "item");
    } else {
      key = table.keyOf(Tables.fields(body.path("Key")), "key");
    }
    if (kind.equals("ConditionCheck") && condition.isEmpty()) {
      throw new Refusal("ValidationException", "The ConditionExpression of a ConditionCheck"
          + " cannot be empty");
    }
    if (kind.equals("Update")) {
      update = Optional.of(Expressions.update(body.path("UpdateExpression").asText(""), p));
    }
    p.requireAllUsed();
    return new Action(kind, table, key, body, condition, update, item);
  }
}
