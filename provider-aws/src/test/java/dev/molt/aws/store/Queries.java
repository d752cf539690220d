package dev.molt.aws.store;

import static dev.molt.aws.store.FakeDynamoDb.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.molt.aws.store.Expressions.And;
import dev.molt.aws.store.Expressions.Between;
import dev.molt.aws.store.Expressions.Compare;
import dev.molt.aws.store.Expressions.Condition;
import dev.molt.aws.store.Expressions.Function;
import dev.molt.aws.store.Expressions.Path;
import dev.molt.aws.store.Expressions.PathOperand;
import dev.molt.aws.store.Expressions.Placeholders;
import dev.molt.aws.store.Expressions.ValueOperand;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import dev.molt.aws.store.Tables.Table;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Query: a key condition of the form DynamoDB accepts ({@code hash = :v}, optionally {@code AND}
 * one condition on the sort key: a comparison, {@code BETWEEN} or {@code begins_with}), an
 * optional filter applied after {@code Limit} counted the items read, pages that end with a
 * {@code LastEvaluatedKey} while items remain. No secondary indexes.
 */
final class Queries {
  private Queries() {}

  static JsonNode query(Table table, JsonNode body, int pageSize) {
    if (body.has("IndexName")) {
      throw new Refusal("ValidationException", "The table does not have the specified index: "
          + body.get("IndexName").asText());
    }
    if (!body.has("KeyConditionExpression")) {
      throw new Refusal("ValidationException", "Either the KeyConditions or"
          + " KeyConditionExpression parameter must be specified in the request.");
    }
    Placeholders p = Tables.placeholders(body);
    Condition key = Expressions.condition(body.get("KeyConditionExpression").asText(), p,
        "KeyConditionExpression");
    Optional<Condition> filter = Tables.optional(body, "FilterExpression", p);
    p.requireAllUsed();
    JsonNode hash = hashValue(table, key);

    List<Map<String, JsonNode>> items = table.partition(hash);
    if (!body.path("ScanIndexForward").asBoolean(true)) {
      Collections.reverse(items);
    }
    int from = 0;
    if (body.has("ExclusiveStartKey")) {
      Map<String, JsonNode> start = table.keyOf(Tables.fields(body.get("ExclusiveStartKey")),
          "key");
      from = items.size();
      for (int i = 0; i < items.size(); i++) {
        if (table.keyOf(items.get(i), "item").equals(start)) {
          from = i + 1;
          break;
        }
      }
    }
    int limit = Math.min(pageSize, body.path("Limit").asInt(Integer.MAX_VALUE));
    List<Map<String, JsonNode>> page = new ArrayList<>();
    int scanned = 0;
    int i = from;
    for (; i < items.size() && scanned < limit; i++) {
      Map<String, JsonNode> item = items.get(i);
      if (!key.test(item)) {
        continue;
      }
      scanned++;
      if (filter.map(f -> f.test(item)).orElse(true)) {
        page.add(item);
      }
    }
    ObjectNode out = JSON.createObjectNode().put("Count", page.size())
        .put("ScannedCount", scanned);
    out.set("Items", Tables.array(page));
    boolean more = items.subList(i, items.size()).stream().anyMatch(key::test);
    if (more && i > 0) {
      out.set("LastEvaluatedKey", Tables.object(table.keyOf(items.get(i - 1), "item")));
    }
    return out;
  }

  /** Checks the key condition's shape and returns the partition it names. */
  private static JsonNode hashValue(Table table, Condition key) {
    List<Condition> parts = key instanceof And and ? List.of(and.left(), and.right())
        : List.of(key);
    JsonNode hash = null;
    boolean range = false;
    for (Condition part : parts) {
      if (part instanceof Compare c && c.op().equals("=") && on(c.left(), table.hashKey)
          && c.right() instanceof ValueOperand v) {
        hash = v.literal();
      } else if (table.rangeKey.isPresent() && !range && onRange(part, table.rangeKey.get())) {
        range = true;
      } else {
        throw new Refusal("ValidationException", "Invalid KeyConditionExpression: the key"
            + " condition must be " + table.hashKey + " = :value, optionally AND one"
            + " condition on " + table.rangeKey.orElse("the sort key"));
      }
    }
    if (hash == null) {
      throw new Refusal("ValidationException", "Query condition missed key schema element: "
          + table.hashKey);
    }
    return hash;
  }

  private static boolean onRange(Condition part, String rangeKey) {
    if (part instanceof Compare c) {
      return !c.op().equals("<>") && on(c.left(), rangeKey) && c.right() instanceof ValueOperand;
    }
    if (part instanceof Between b) {
      return on(b.value(), rangeKey) && b.low() instanceof ValueOperand
          && b.high() instanceof ValueOperand;
    }
    return part instanceof Function f && f.name().equals("begins_with")
        && f.path().equals(new Path(List.of(rangeKey)));
  }

  private static boolean on(Expressions.Operand operand, String attribute) {
    return operand instanceof PathOperand p && p.path().equals(new Path(List.of(attribute)));
  }
}
