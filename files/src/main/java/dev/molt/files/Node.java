package dev.molt.files;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.molt.InvalidSpecException;
import dev.molt.strategy.Amount;

/**
 * One value of a {@link LocatedTree} with its field path, and the typed reads the mapping makes
 * of it. Every read that fails throws a {@link SpecFileException} at the value's place: wrong
 * types, missing required fields, unknown keys (with a did-you-mean when one is close), and the
 * {@link InvalidSpecException}s of the core specs, whose field paths are mapped back to the file.
 */
final class Node {
  private final LocatedTree tree;
  private final JsonNode value;
  private final String path;

  Node(LocatedTree tree, JsonNode value, String path) {
    this.tree = tree;
    this.value = value;
    this.path = path;
  }

  static Node root(LocatedTree tree) {
    return new Node(tree, tree.root(), "");
  }

  String path() {
    return path;
  }

  JsonNode json() {
    return value;
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** @return a failure at this value */
  SpecFileException fail(String problem) {
    return failAt(path, problem);
  }

  SpecFileException failAt(String at, String problem) {
    int[] where = tree.locate(at);
    return new SpecFileException(tree.file(), where[0], where[1], at, problem, null);
  }

  /**
   * Runs a core constructor for the object at this path; its {@link InvalidSpecException} is
   * reported at the field it names, below this path.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (InvalidSpecException e) {
      String field = e.field().replaceAll("\\[([^\\]0-9][^\\]]*)]", ".$1");
      String problem = e.getMessage().substring(e.field().length() + 2);
      throw failAt(path.isEmpty() ? field : path + "." + field, problem);
    }
  }

  /** Runs a core constructor for this scalar value; its error is reported at this value. */
  <T> T buildValue(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (InvalidSpecException e) {
      throw fail(e.getMessage().substring(e.field().length() + 2));
    }
  }

  // --- objects ---

  /**
   * Checks that this value is an object with only {@code allowed} keys.
   *
   * @return this
   */
  Node object(Set<String> allowed) {
    if (!value.isObject()) {
      throw fail("must be an object (key: value pairs), was " + describe(value));
    }
    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        int[] where = tree.locateKey(child(name));
        throw new SpecFileException(tree.file(), where[0], where[1], child(name),
            "is not a key here" + Suggest.didYouMean(name, allowed) + "; the keys are "
                + String.join(", ", allowed.stream().sorted().toList()), null);
      }
    }
    return this;
  }

  boolean has(String key) {
    return value.has(key) && !value.get(key).isNull();
  }

  Optional<Node> opt(String key) {
    return has(key) ? Optional.of(new Node(tree, value.get(key), child(key))) : Optional.empty();
  }

  Node get(String key, String hint) {
    return opt(key).orElseThrow(() -> failAt(child(key), "is required" + hint));
  }

  List<String> keys() {
    List<String> out = new ArrayList<>();
    value.fieldNames().forEachRemaining(out::add);
    return out;
  }

  // --- scalars ---

  String text() {
    if (!value.isTextual()) {
      throw fail("must be a string, was " + describe(value));
    }
    return value.textValue();
  }

  int integer() {
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw fail("must be a whole number, was " + describe(value));
    }
    return value.intValue();
  }

  long longValue() {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw fail("must be a whole number, was " + describe(value));
    }
    return value.longValue();
  }

  double number() {
    if (!value.isNumber()) {
      throw fail("must be a number, was " + describe(value));
    }
    return value.doubleValue();
  }

  boolean bool() {
    if (!value.isBoolean()) {
      throw fail("must be true or false, was " + describe(value));
    }
    return value.booleanValue();
  }

  Duration duration() {
    if (!value.isTextual()) {
      throw fail("must be a duration such as 30s, 10m or 1h30m, was " + describe(value));
    }
    Duration d = DurationText.parse(value.textValue());
    if (d == null) {
      throw fail("'" + value.textValue() + "' is not a duration: write it as 30s, 10m, 1h30m,"
          + " 250ms or 2.5s (units d, h, m, s, ms, largest first)");
    }
    return d;
  }

  Amount amount() {
    if (value.isIntegralNumber()) {
      return buildValue(() -> Amount.of(integer()));
    }
    if (value.isTextual() && value.textValue().endsWith("%")) {
      return buildValue(() -> Amount.parse(value.textValue()));
    }
    throw fail("must be a count (3) or a percentage ('25%'), was " + describe(value));
  }

  <E extends Enum<E>> E enumValue(Class<E> type) {
    String t = text();
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(t)) {
        return e;
      }
      names.add(e.name());
    }
    throw fail("'" + t + "' is not one of " + String.join(", ", names)
        + Suggest.didYouMean(t.toUpperCase(Locale.ROOT), Set.copyOf(names)));
  }

  // --- collections ---

  List<Node> list() {
    if (!value.isArray()) {
      throw fail("must be a list, was " + describe(value));
    }
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      out.add(new Node(tree, value.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  <T> List<T> list(Function<Node, T> item) {
    return list().stream().map(item).toList();
  }

  /** @return this object as a map of strings, in file order */
  Map<String, String> strings() {
    if (!value.isObject()) {
      throw fail("must be an object of names to strings, was " + describe(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : keys()) {
      Node v = new Node(tree, value.get(key), child(key));
      if (!v.value.isTextual()) {
        throw v.fail("must be a string, was " + describe(v.value)
            + (v.value.isValueNode() ? ": quote it" : ""));
      }
      out.put(key, v.value.textValue());
    }
    return out;
  }

  Map<String, Node> entries() {
    if (!value.isObject()) {
      throw fail("must be an object of names to values, was " + describe(value));
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (String key : keys()) {
      out.put(key, new Node(tree, value.get(key), child(key)));
    }
    return out;
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "the string '" + v.textValue() + "'";
    }
    if (v.isNumber()) {
      BigDecimal d = v.decimalValue();
      return "the number " + d.stripTrailingZeros().toPlainString();
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "true" : "false";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "an object";
    }
    return "null";
  }
}
