package dev.molt.aws.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * DynamoDB's condition, key-condition and update expressions, parsed as its developer guide
 * writes the grammar and evaluated on an item:
 *
 * <pre>
 * condition ::= operand comparator operand | operand BETWEEN operand AND operand
 *             | operand IN ( operand, ... ) | function | condition AND condition
 *             | condition OR condition | NOT condition | ( condition )
 * comparator ::= = | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=
 * function ::= attribute_exists(path) | attribute_not_exists(path) | attribute_type(path, type)
 *            | begins_with(path, substr) | contains(path, operand) ; size(path) is an operand
 * update ::= SET path = value [, ...] | REMOVE path [, ...]   (each clause once, in any order)
 * value ::= operand | operand + operand | operand - operand
 *         ; operand also if_not_exists(path, operand) and list_append(operand, operand)
 * </pre>
 *
 * Precedence, lowest first: OR, AND, NOT, then comparisons, BETWEEN, IN and functions. Keywords
 * are case-insensitive, function names are not. A bare attribute name that is a reserved word is
 * refused, as are placeholders ({@code #name}, {@code :value}) that the request does not define
 * and, over all the request's expressions, definitions that none uses. A comparison with a missing
 * attribute, or of two values of different types, is false, except {@code <>}, which is then true
 * (the values are not equal). Errors are {@link Refusal}s carrying DynamoDB's ValidationException
 * messages. Parsing and evaluation are pure; the objects are immutable.
 */
final class Expressions {
  /** A subset of DynamoDB's reserved words: those a careless expression is likely to meet. */
  static final Set<String> RESERVED = Set.of("ABORT", "ACTION", "ADD", "ALL", "AND", "ANY", "AS",
      "ASC", "BETWEEN", "BY", "COUNT", "DATA", "DATE", "DELETE", "DESC", "EXISTS", "FROM", "GROUP",
      "HASH", "IN", "INDEX", "KEY", "KEYS", "LIMIT", "NAME", "NOT", "NULL", "OF", "OR", "ORDER",
      "RANGE", "REMOVE", "SET", "SIZE", "STATUS", "TABLE", "TIME", "TIMESTAMP", "TOKEN", "TTL",
      "TYPE", "UPDATE", "USER", "VALUE", "VALUES", "WHERE", "YEAR");
  static final Set<String> BOOLEAN_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists",
      "attribute_type", "begins_with", "contains");

  private Expressions() {}

  /** The placeholders a request defines, and those its expressions used. Not thread-safe. */
  static final class Placeholders {
    private final Map<String, String> names;
    private final Map<String, JsonNode> values;
    private final Set<String> usedNames = new TreeSet<>();
    private final Set<String> usedValues = new TreeSet<>();

    Placeholders(Map<String, String> names, Map<String, JsonNode> values) {
      this.names = names;
      this.values = values;
      values.values().forEach(AttributeValues::type);
    }

    String name(String placeholder, String what) {
      String name = names.get(placeholder);
      if (name == null) {
        throw invalid(what, "An expression attribute name used in the document path is not"
            + " defined; attribute name: " + placeholder);
      }
      usedNames.add(placeholder);
      return name;
    }

    JsonNode value(String placeholder, String what) {
      JsonNode value = values.get(placeholder);
      if (value == null) {
        throw invalid(what, "An expression attribute value used in expression is not defined;"
            + " attribute value: " + placeholder);
      }
      usedValues.add(placeholder);
      return value;
    }

    /** Refuses definitions that no expression of the request used. */
    void requireAllUsed() {
      Set<String> names = new TreeSet<>(this.names.keySet());
      names.removeAll(usedNames);
      if (!names.isEmpty()) {
        throw new Refusal("ValidationException", "Value provided in ExpressionAttributeNames"
            + " unused in expressions: keys: {" + String.join(", ", names) + "}");
      }
      Set<String> values = new TreeSet<>(this.values.keySet());
      values.removeAll(usedValues);
      if (!values.isEmpty()) {
        throw new Refusal("ValidationException", "Value provided in ExpressionAttributeValues"
            + " unused in expressions: keys: {" + String.join(", ", values) + "}");
      }
    }
  }

  static Refusal invalid(String what, String message) {
    return new Refusal("ValidationException", "Invalid " + what + ": " + message);
  }

  // ------------------------------------------------------------------ the trees

  /** A document path: a top-level name, then member names and list indexes. */
  record Path(List<Object> steps) {
    Optional<JsonNode> resolve(Map<String, JsonNode> item) {
      Optional<JsonNode> at = Optional.ofNullable(item.get((String) steps.get(0)));
      for (Object step : steps.subList(1, steps.size())) {
        at = at.flatMap(v -> AttributeValues.child(v, step));
      }
      return at;
    }

    String top() {
      return (String) steps.get(0);
    }
  }

  /** A value in an expression: of a path, a placeholder, or a function of them. */
  sealed interface Operand permits PathOperand, ValueOperand, SizeOperand, IfNotExists,
      ListAppend, Arithmetic {
    Optional<JsonNode> value(Map<String, JsonNode> item);
  }

  record PathOperand(Path path) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      return path.resolve(item);
    }
  }

  record ValueOperand(JsonNode literal) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      return Optional.of(literal);
    }
  }

  record SizeOperand(Path path, String what) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      return path.resolve(item).map(v -> {
        String type = AttributeValues.type(v);
        JsonNode inner = v.get(type);
        long size = switch (type) {
          case "S" -> inner.asText().codePointCount(0, inner.asText().length());
          case "B" -> Base64.getDecoder().decode(inner.asText()).length;
          case "M", "L", "SS", "NS", "BS" -> inner.size();
          default -> throw invalid(what, "Incorrect operand type for operator or function;"
              + " operator or function: size, operand type: " + type);
        };
        return AttributeValues.n(BigDecimal.valueOf(size));
      });
    }
  }

  record IfNotExists(Path path, Operand otherwise) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      Optional<JsonNode> found = path.resolve(item);
      return found.isPresent() ? found : otherwise.value(item);
    }
  }

  record ListAppend(Operand first, Operand second) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      JsonNode a = required(first, item);
      JsonNode b = required(second, item);
      if (!a.has("L") || !b.has("L")) {
        throw invalid("UpdateExpression", "Incorrect operand type for operator or function;"
            + " operator or function: list_append, operand type: " + AttributeValues.type(
                a.has("L") ? b : a));
      }
      var out = JsonNodeFactory.instance.objectNode();
      var list = out.putArray("L");
      a.get("L").forEach(list::add);
      b.get("L").forEach(list::add);
      return Optional.of(out);
    }
  }

  record Arithmetic(Operand left, char op, Operand right) implements Operand {
    public Optional<JsonNode> value(Map<String, JsonNode> item) {
      JsonNode a = required(left, item);
      JsonNode b = required(right, item);
      if (!a.has("N") || !b.has("N")) {
        throw invalid("UpdateExpression", "An operand in the update expression has an"
            + " incorrect data type");
      }
      var x = AttributeValues.number(a);
      var y = AttributeValues.number(b);
      return Optional.of(AttributeValues.n(op == '+' ? x.add(y) : x.subtract(y)));
    }
  }

  private static JsonNode required(Operand operand, Map<String, JsonNode> item) {
    return operand.value(item).orElseThrow(() -> invalid("UpdateExpression", "The provided"
        + " expression refers to an attribute that does not exist in the item"));
  }

  /** A condition on an item. */
  sealed interface Condition permits Compare, Between, In, Function, And, Or, Not {
    boolean test(Map<String, JsonNode> item);
  }

  record Compare(Operand left, String op, Operand right) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      Optional<JsonNode> a = left.value(item);
      Optional<JsonNode> b = right.value(item);
      if (a.isEmpty() || b.isEmpty()) {
        return op.equals("<>");
      }
      return switch (op) {
        case "=" -> AttributeValues.equal(a.get(), b.get());
        case "<>" -> !AttributeValues.equal(a.get(), b.get());
        default -> {
          var order = AttributeValues.compare(a.get(), b.get());
          yield order.isPresent() && switch (op) {
            case "<" -> order.getAsInt() < 0;
            case "<=" -> order.getAsInt() <= 0;
            case ">" -> order.getAsInt() > 0;
            default -> order.getAsInt() >= 0;
          };
        }
      };
    }
  }

  record Between(Operand value, Operand low, Operand high) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      return new Compare(value, ">=", low).test(item) && new Compare(value, "<=", high).test(item);
    }
  }

  record In(Operand value, List<Operand> options) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      return options.stream().anyMatch(o -> new Compare(value, "=", o).test(item));
    }
  }

  record Function(String name, Path path, Optional<Operand> argument, String what)
      implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      Optional<JsonNode> found = path.resolve(item);
      Optional<JsonNode> arg = argument.flatMap(a -> a.value(item));
      return switch (name) {
        case "attribute_exists" -> found.isPresent();
        case "attribute_not_exists" -> found.isEmpty();
        case "attribute_type" -> {
          String type = arg.filter(a -> a.has("S")).map(a -> a.get("S").asText()).orElseThrow(
              () -> invalid(what, "Incorrect operand type for operator or function; operator or"
                  + " function: attribute_type, operand type: not a string"));
          if (!AttributeValues.TYPES.contains(type)) {
            throw invalid(what, "Invalid attribute type name found; type: " + type
                + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
          }
          yield found.isPresent() && AttributeValues.type(found.get()).equals(type);
        }
        case "begins_with" -> found.isPresent() && arg.isPresent() && beginsWith(found.get(),
            arg.get());
        default -> found.isPresent() && arg.isPresent() && contains(found.get(), arg.get());
      };
    }

    private static boolean beginsWith(JsonNode value, JsonNode prefix) {
      if (value.has("S") && prefix.has("S")) {
        return value.get("S").asText().startsWith(prefix.get("S").asText());
      }
      if (value.has("B") && prefix.has("B")) {
        byte[] v = Base64.getDecoder().decode(value.get("B").asText());
        byte[] p = Base64.getDecoder().decode(prefix.get("B").asText());
        return v.length >= p.length
            && AttributeValues.compareBytes(Arrays.copyOf(v, p.length), p) == 0;
      }
      return false;
    }

    private static boolean contains(JsonNode value, JsonNode element) {
      if (value.has("S") && element.has("S")) {
        return value.get("S").asText().contains(element.get("S").asText());
      }
      String type = AttributeValues.type(value);
      if (type.equals("L")) {
        for (JsonNode e : value.get("L")) {
          if (AttributeValues.equal(e, element)) {
            return true;
          }
        }
        return false;
      }
      if (type.length() == 2 && type.endsWith("S") && AttributeValues.type(element)
          .equals(type.substring(0, 1))) {
        for (JsonNode e : value.get(type)) {
          JsonNode member = JsonNodeFactory.instance
              .objectNode().set(type.substring(0, 1), e);
          if (AttributeValues.equal(member, element)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  record And(Condition left, Condition right) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      return left.test(item) && right.test(item);
    }
  }

  record Or(Condition left, Condition right) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      return left.test(item) || right.test(item);
    }
  }

  record Not(Condition inner) implements Condition {
    public boolean test(Map<String, JsonNode> item) {
      return !inner.test(item);
    }
  }

  /** An update: SET actions and REMOVE paths, every value computed on the item as it was. */
  record Update(List<Path> setPaths, List<Operand> setValues, List<Path> removes) {
    /** @return the updated item (a new map) */
    Map<String, JsonNode> apply(Map<String, JsonNode> item) {
      Map<String, JsonNode> out = new LinkedHashMap<>(item);
      for (int i = 0; i < setPaths.size(); i++) {
        out.put(setPaths.get(i).top(), setValues.get(i).value(item).orElseThrow(
            () -> invalid("UpdateExpression", "The provided expression refers to an attribute"
                + " that does not exist in the item")));
      }
      removes.forEach(p -> out.remove(p.top()));
      return out;
    }

    /** @return every top-level attribute the update writes */
    List<String> targets() {
      List<String> out = new ArrayList<>();
      setPaths.forEach(p -> out.add(p.top()));
      removes.forEach(p -> out.add(p.top()));
      return out;
    }
  }

  // ------------------------------------------------------------------ parsing

  /**
   * Parses a condition (ConditionExpression, KeyConditionExpression: {@code what} names which,
   * for the error messages).
   */
  static Condition condition(String text, Placeholders placeholders, String what) {
    ExpressionParser p = new ExpressionParser(text, placeholders, what);
    Condition c = p.or();
    p.expectEnd();
    return c;
  }

  /** Parses an UpdateExpression. */
  static Update update(String text, Placeholders placeholders) {
    ExpressionParser p = new ExpressionParser(text, placeholders, "UpdateExpression");
    Update u = p.update();
    p.expectEnd();
    return u;
  }

  static String upper(String word) {
    return word.toUpperCase(Locale.ROOT);
  }
}
