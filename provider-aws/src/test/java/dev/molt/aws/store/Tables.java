package dev.molt.aws.store;

import static dev.molt.aws.store.FakeDynamoDb.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.molt.aws.store.Expressions.Condition;
import dev.molt.aws.store.Expressions.Placeholders;
import dev.molt.aws.store.Expressions.Update;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fake's tables and the operations on them, one request at a time (the caller holds the
 * fake's lock). Queries are in {@link Queries}, transactions in {@link Transactions}.
 */
final class Tables {
  static final int MAX_ITEM_BYTES = 400 * 1024;
  private static final Set<String> LEGACY = Set.of("Expected", "AttributeUpdates",
      "KeyConditions", "QueryFilter", "ConditionalOperator", "AttributesToGet");
  private final Map<String, Table> tables = new LinkedHashMap<>();
  private final Transactions transactions = new Transactions(this);

  JsonNode handle(String operation, JsonNode body, int pageSize) {
    LEGACY.forEach(p -> {
      if (body.has(p)) {
        throw new Refusal("ValidationException", "the stub does not implement the legacy"
            + " parameter " + p + "; use expressions");
      }
    });
    return switch (operation) {
      case "CreateTable" -> createTable(body);
      case "DescribeTable" -> JSON.createObjectNode().set("Table", table(body).describe());
      case "DeleteTable" -> JSON.createObjectNode().set("TableDescription",
          tables.remove(table(body).name).describe());
      case "UpdateTimeToLive" -> updateTimeToLive(body);
      case "DescribeTimeToLive" -> JSON.createObjectNode().set("TimeToLiveDescription",
          table(body).ttlDescription());
      case "PutItem" -> putItem(body);
      case "GetItem" -> getItem(body);
      case "UpdateItem" -> updateItem(body);
      case "DeleteItem" -> deleteItem(body);
      case "Query" -> Queries.query(table(body), body, pageSize);
      case "TransactWriteItems" -> transactions.write(body);
      default -> throw new Refusal("UnknownOperationException", "the stub does not implement "
          + operation);
    };
  }

  Table table(JsonNode body) {
    return table(body.path("TableName").asText(""));
  }

  Table table(String name) {
    Table t = tables.get(name);
    if (t == null) {
      throw new Refusal("ResourceNotFoundException", "Requested resource not found: Table: "
          + name + " not found");
    }
    return t;
  }

  Map<String, JsonNode> peek(String table, Map<String, JsonNode> key) {
    return table(table).get(key).map(LinkedHashMap::new).orElse(null);
  }

  int count(String table) {
    return table(table).count();
  }

  private JsonNode createTable(JsonNode body) {
    String name = body.path("TableName").asText("");
    if (!name.matches("[A-Za-z0-9_.-]{3,255}")) {
      throw new Refusal("ValidationException", "1 validation error detected: Value '" + name
          + "' at 'tableName' failed to satisfy constraint: Member must satisfy regular"
          + " expression pattern: [a-zA-Z0-9_.-]+");
    }
    if (tables.containsKey(name)) {
      throw new Refusal("ResourceInUseException", "Table already exists: " + name);
    }
    Table t = Table.create(name, body);
    tables.put(name, t);
    return JSON.createObjectNode().set("TableDescription", t.describe());
  }

  private JsonNode updateTimeToLive(JsonNode body) {
    Table t = table(body);
    JsonNode spec = body.path("TimeToLiveSpecification");
    boolean enable = spec.path("Enabled").asBoolean(false);
    if (enable == t.ttlAttribute.isPresent()) {
      throw new Refusal("ValidationException", "TimeToLive is already "
          + (enable ? "enabled" : "disabled"));
    }
    t.ttlAttribute = enable ? Optional.of(spec.path("AttributeName").asText()) : Optional.empty();
    return JSON.createObjectNode().set("TimeToLiveSpecification", spec);
  }

  private JsonNode putItem(JsonNode body) {
    Table t = table(body);
    Map<String, JsonNode> item = fields(body.path("Item"));
    Map<String, JsonNode> key = t.keyOf(item, "item");
    Optional<Condition> condition = conditions(body, "ConditionExpression");
    Optional<Map<String, JsonNode>> old = t.get(key);
    check(condition, old, body);
    requireSize(item);
    t.put(key, item);
    return returning(body, old, Optional.of(item));
  }

  private JsonNode getItem(JsonNode body) {
    Table t = table(body);
    Map<String, JsonNode> key = t.keyOf(fields(body.path("Key")), "key");
    ObjectNode out = JSON.createObjectNode();
    t.get(key).ifPresent(i -> out.set("Item", object(i)));
    return out;
  }

  private JsonNode updateItem(JsonNode body) {
    Table t = table(body);
    Map<String, JsonNode> key = t.keyOf(fields(body.path("Key")), "key");
    Placeholders p = placeholders(body);
    Update update = Expressions.update(body.path("UpdateExpression").asText(""), p);
    Optional<Condition> condition = optional(body, "ConditionExpression", p);
    p.requireAllUsed();
    for (String target : update.targets()) {
      if (key.containsKey(target)) {
        throw new Refusal("ValidationException", "One or more parameter values were invalid:"
            + " Cannot update attribute " + target + ". This attribute is part of the key");
      }
    }
    Optional<Map<String, JsonNode>> old = t.get(key);
    check(condition, old, body);
    Map<String, JsonNode> updated = update.apply(old.orElse(key));
    requireSize(updated);
    t.put(key, updated);
    return returning(body, old, Optional.of(updated));
  }

  private JsonNode deleteItem(JsonNode body) {
    Table t = table(body);
    Map<String, JsonNode> key = t.keyOf(fields(body.path("Key")), "key");
    Optional<Condition> condition = conditions(body, "ConditionExpression");
    Optional<Map<String, JsonNode>> old = t.get(key);
    check(condition, old, body);
    t.remove(key);
    return returning(body, old, Optional.empty());
  }

  /** Refuses the request if its condition fails on the item, with the item if asked for. */
  static void check(Optional<Condition> condition, Optional<Map<String, JsonNode>> old,
      JsonNode body) {
    if (condition.isPresent() && !condition.get().test(old.orElse(Map.of()))) {
      ObjectNode extra = JSON.createObjectNode();
      if ("ALL_OLD".equals(body.path("ReturnValuesOnConditionCheckFailure").asText())) {
        old.ifPresent(i -> extra.set("Item", object(i)));
      }
      throw new Refusal("ConditionalCheckFailedException", 400, "The conditional request"
          + " failed", extra);
    }
  }

  private static JsonNode returning(JsonNode body, Optional<Map<String, JsonNode>> old,
      Optional<Map<String, JsonNode>> now) {
    String mode = body.path("ReturnValues").asText("NONE");
    ObjectNode out = JSON.createObjectNode();
    Optional<Map<String, JsonNode>> shown = switch (mode) {
      case "NONE" -> Optional.empty();
      case "ALL_OLD" -> old;
      case "ALL_NEW" -> now;
      default -> throw new Refusal("ValidationException", "the stub does not implement"
          + " ReturnValues " + mode);
    };
    shown.ifPresent(i -> out.set("Attributes", object(i)));
    return out;
  }

  /** Parses one optional condition of a request, checking all its placeholders are used. */
  static Optional<Condition> conditions(JsonNode body, String field) {
    Placeholders p = placeholders(body);
    Optional<Condition> c = optional(body, field, p);
    p.requireAllUsed();
    return c;
  }

  static Optional<Condition> optional(JsonNode body, String field, Placeholders p) {
    return body.has(field) ? Optional.of(Expressions.condition(body.get(field).asText(), p,
        field)) : Optional.empty();
  }

  static Placeholders placeholders(JsonNode body) {
    Map<String, String> names = new HashMap<>();
    body.path("ExpressionAttributeNames").fields().forEachRemaining(e -> names.put(e.getKey(),
        e.getValue().asText()));
    return new Placeholders(names, fields(body.path("ExpressionAttributeValues")));
  }

  static void requireSize(Map<String, JsonNode> item) {
    if (AttributeValues.itemSize(item) > MAX_ITEM_BYTES) {
      throw new Refusal("ValidationException", "Item size has exceeded the maximum allowed size");
    }
  }

  static Map<String, JsonNode> fields(JsonNode object) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      AttributeValues.type(e.getValue());
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  static ObjectNode object(Map<String, JsonNode> item) {
    ObjectNode out = JSON.createObjectNode();
    item.forEach(out::set);
    return out;
  }

  /** One table: its key schema, its items by partition then sort key, its TTL setting. */
  static final class Table {
    final String name;
    final String hashKey;
    final Optional<String> rangeKey;
    private final Map<String, String> keyTypes;
    private final JsonNode keySchema;
    private final JsonNode definitions;
    Optional<String> ttlAttribute = Optional.empty();
    private final Map<JsonNode, TreeMap<JsonNode, Map<String, JsonNode>>> partitions =
        new HashMap<>();

    private Table(String name, String hashKey, Optional<String> rangeKey,
        Map<String, String> keyTypes, JsonNode keySchema, JsonNode definitions) {
      this.name = name;
      this.hashKey = hashKey;
      this.rangeKey = rangeKey;
      this.keyTypes = keyTypes;
      this.keySchema = keySchema;
      this.definitions = definitions;
    }

    static Table create(String name, JsonNode body) {
      Map<String, String> types = new HashMap<>();
      body.path("AttributeDefinitions").forEach(d -> types.put(d.path("AttributeName").asText(),
          d.path("AttributeType").asText()));
      String hash = null;
      String range = null;
      for (JsonNode k : body.path("KeySchema")) {
        String attribute = k.path("AttributeName").asText();
        if (!types.containsKey(attribute)) {
          throw new Refusal("ValidationException", "One or more parameter values were invalid:"
              + " Some index key attributes are not defined in AttributeDefinitions. Keys: ["
              + attribute + "]");
        }
        if (k.path("KeyType").asText().equals("HASH")) {
          hash = attribute;
        } else {
          range = attribute;
        }
      }
      if (hash == null || types.size() != (range == null ? 1 : 2)) {
        throw new Refusal("ValidationException", "One or more parameter values were invalid:"
            + " the key schema needs one HASH key, and every attribute definition a key");
      }
      return new Table(name, hash, Optional.ofNullable(range), types, body.path("KeySchema"),
          body.path("AttributeDefinitions"));
    }

    ObjectNode describe() {
      ObjectNode out = JSON.createObjectNode().put("TableName", name)
          .put("TableStatus", "ACTIVE").put("TableArn", "arn:aws:dynamodb:us-east-1:"
              + "123456789012:table/" + name).put("ItemCount", count());
      out.set("KeySchema", keySchema);
      out.set("AttributeDefinitions", definitions);
      out.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST");
      return out;
    }

    ObjectNode ttlDescription() {
      ObjectNode out = JSON.createObjectNode().put("TimeToLiveStatus",
          ttlAttribute.isPresent() ? "ENABLED" : "DISABLED");
      ttlAttribute.ifPresent(a -> out.put("AttributeName", a));
      return out;
    }

    /** @return the key of {@code item} (a key or a whole item), validated against the schema */
    Map<String, JsonNode> keyOf(Map<String, JsonNode> item, String what) {
      Map<String, JsonNode> key = new LinkedHashMap<>();
      for (Map.Entry<String, String> k : keyTypes.entrySet()) {
        JsonNode v = item.get(k.getKey());
        if (v == null) {
          throw new Refusal("ValidationException", what.equals("item")
              ? "One or more parameter values were invalid: Missing the key " + k.getKey()
                  + " in the item"
              : "The provided key element does not match the schema");
        }
        if (!AttributeValues.type(v).equals(k.getValue())) {
          throw new Refusal("ValidationException", "One or more parameter values were invalid:"
              + " Type mismatch for key " + k.getKey() + " expected: " + k.getValue()
              + " actual: " + AttributeValues.type(v));
        }
        if (v.get(k.getValue()).asText().isEmpty()) {
          throw new Refusal("ValidationException", "One or more parameter values are not valid."
              + " The AttributeValue for a key attribute cannot contain an empty string value."
              + " Key: " + k.getKey());
        }
        key.put(k.getKey(), k.getValue().equals("N") ? AttributeValues.n(AttributeValues.number(
            v)) : v);
      }
      if (what.equals("key") && item.size() != key.size()) {
        throw new Refusal("ValidationException", "The provided key element does not match the"
            + " schema");
      }
      return key;
    }

    Optional<Map<String, JsonNode>> get(Map<String, JsonNode> key) {
      var partition = partitions.get(key.get(hashKey));
      return partition == null ? Optional.empty()
          : Optional.ofNullable(partition.get(rangeOf(key)));
    }

    void put(Map<String, JsonNode> key, Map<String, JsonNode> item) {
      Map<String, JsonNode> stored = new LinkedHashMap<>(item);
      stored.putAll(key);
      partitions.computeIfAbsent(key.get(hashKey), h -> new TreeMap<>(Table::order))
          .put(rangeOf(key), stored);
    }

    void remove(Map<String, JsonNode> key) {
      var partition = partitions.get(key.get(hashKey));
      if (partition != null) {
        partition.remove(rangeOf(key));
      }
    }

    /** @return the items of a partition, in sort key order */
    List<Map<String, JsonNode>> partition(JsonNode hash) {
      var partition = partitions.get(hash);
      return partition == null ? List.of() : new ArrayList<>(partition.values());
    }

    int count() {
      return partitions.values().stream().mapToInt(Map::size).sum();
    }

    private JsonNode rangeOf(Map<String, JsonNode> key) {
      return rangeKey.map(key::get).orElse(JSON.createObjectNode().put("NULL", true));
    }

    static int order(JsonNode a, JsonNode b) {
      return AttributeValues.compare(a, b).orElse(0);
    }
  }

  /** Wraps an item list as a JSON array. */
  static ArrayNode array(List<Map<String, JsonNode>> items) {
    ArrayNode out = JSON.createArrayNode();
    items.forEach(i -> out.add(object(i)));
    return out;
  }
}
