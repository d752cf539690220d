package dev.molt.aws.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * DynamoDB's typed attribute values as they travel in its JSON protocol: an object with one
 * member naming the type ({@code {"S": "text"}}, {@code {"N": "12.5"}}, {@code {"BOOL": true}},
 * {@code {"NULL": true}}, {@code {"B": "<base64>"}}, {@code {"M": {...}}}, {@code {"L": [...]}},
 * {@code {"SS"|"NS"|"BS": [...]}}), and the comparisons DynamoDB documents for them: equality of
 * the same type (numbers by value, sets regardless of order), order for strings (by their UTF-8
 * bytes), numbers (by value) and binaries (unsigned bytes), nothing across types.
 */
final class AttributeValues {
  static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS",
      "BS");

  private AttributeValues() {}

  /** @return the type of a value; refuses a malformed one */
  static String type(JsonNode value) {
    if (value == null || !value.isObject() || value.size() != 1) {
      throw new FakeDynamoDb.Refusal("ValidationException", "Supplied AttributeValue is empty,"
          + " must contain exactly one of the supported datatypes");
    }
    String type = value.fieldNames().next();
    if (!TYPES.contains(type)) {
      throw new FakeDynamoDb.Refusal("ValidationException", "Supplied AttributeValue has an"
          + " unknown datatype: " + type);
    }
    if (type.equals("N")) {
      number(value);
    }
    return type;
  }

  static JsonNode s(String text) {
    return JsonNodeFactory.instance.objectNode().put("S", text);
  }

  static JsonNode n(BigDecimal number) {
    return JsonNodeFactory.instance.objectNode().put("N",
        number.stripTrailingZeros().toPlainString());
  }

  static BigDecimal number(JsonNode value) {
    try {
      return new BigDecimal(value.get("N").asText());
    } catch (NumberFormatException e) {
      throw new FakeDynamoDb.Refusal("ValidationException", "The parameter cannot be converted"
          + " to a numeric value: " + value.get("N").asText());
    }
  }

  /** @return whether two values are equal as DynamoDB's {@code =} sees them */
  static boolean equal(JsonNode a, JsonNode b) {
    String type = type(a);
    if (!type.equals(type(b))) {
      return false;
    }
    JsonNode x = a.get(type);
    JsonNode y = b.get(type);
    return switch (type) {
      case "N" -> number(a).compareTo(number(b)) == 0;
      case "SS", "BS" -> textSet(x).equals(textSet(y));
      case "NS" -> numberSet(x).equals(numberSet(y));
      case "M" -> mapsEqual(x, y);
      case "L" -> listsEqual(x, y);
      default -> x.equals(y);
    };
  }

  /** @return the order of two values of one ordered type (S, N, B); empty otherwise */
  static OptionalInt compare(JsonNode a, JsonNode b) {
    String type = type(a);
    if (!type.equals(type(b))) {
      return OptionalInt.empty();
    }
    return switch (type) {
      case "N" -> OptionalInt.of(number(a).compareTo(number(b)));
      case "S" -> OptionalInt.of(compareBytes(a.get("S").asText().getBytes(StandardCharsets.UTF_8),
          b.get("S").asText().getBytes(StandardCharsets.UTF_8)));
      case "B" -> OptionalInt.of(compareBytes(Base64.getDecoder().decode(a.get("B").asText()),
          Base64.getDecoder().decode(b.get("B").asText())));
      default -> OptionalInt.empty();
    };
  }

  static int compareBytes(byte[] a, byte[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  /** The member of a map value or element of a list value that a path step names, if any. */
  static Optional<JsonNode> child(JsonNode value, Object step) {
    if (step instanceof String name && value.has("M")) {
      return Optional.ofNullable(value.get("M").get(name));
    }
    if (step instanceof Integer index && value.has("L")) {
      JsonNode list = value.get("L");
      return index < list.size() ? Optional.of(list.get(index)) : Optional.empty();
    }
    return Optional.empty();
  }

  /** @return the size DynamoDB counts for an item: names and values, in bytes (approximate) */
  static int itemSize(Map<String, JsonNode> item) {
    int size = 0;
    for (Map.Entry<String, JsonNode> e : item.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(e.getValue());
    }
    return size;
  }

  private static int valueSize(JsonNode value) {
    String type = type(value);
    JsonNode v = value.get(type);
    return switch (type) {
      case "S" -> v.asText().getBytes(StandardCharsets.UTF_8).length;
      case "N" -> (v.asText().length() + 1) / 2 + 1;
      case "B" -> Base64.getDecoder().decode(v.asText()).length;
      case "BOOL", "NULL" -> 1;
      case "M" -> {
        int size = 3;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          size += 1 + e.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(e.getValue());
        }
        yield size;
      }
      default -> { // lists and sets
        int size = 3;
        for (JsonNode element : v) {
          size += 1 + (type.equals("L") ? valueSize(element) : element.asText().length());
        }
        yield size;
      }
    };
  }

  static ObjectNode copy(JsonNode value) {
    return (ObjectNode) value.deepCopy();
  }

  private static Set<String> textSet(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static Set<BigDecimal> numberSet(JsonNode array) {
    Set<BigDecimal> out = new HashSet<>();
    array.forEach(e -> out.add(new BigDecimal(e.asText()).stripTrailingZeros()));
    return out;
  }

  private static boolean mapsEqual(JsonNode x, JsonNode y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!y.has(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean listsEqual(JsonNode x, JsonNode y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!equal(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }
}
