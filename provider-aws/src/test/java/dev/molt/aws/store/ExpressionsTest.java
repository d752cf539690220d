package dev.molt.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.molt.aws.store.Expressions.Placeholders;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stub's expression evaluator against worked examples of DynamoDB's documented semantics:
 * every comparator on numbers, strings and mixed types, missing attributes, BETWEEN and IN, the
 * functions, AND/OR/NOT with their precedence and parentheses, placeholders, nested paths; and the
 * ValidationExceptions for malformed expressions, reserved words and placeholders not defined or
 * not used. Then update expressions: SET with arithmetic, if_not_exists, list_append, REMOVE.
 */
class ExpressionsTest {
  /** Every example evaluates on this item. */
  private static final String ITEM = "{\"n\":{\"N\":\"5\"},\"s\":{\"S\":\"abc\"},"
      + "\"big\":{\"N\":\"10\"},\"t\":{\"BOOL\":true},\"nul\":{\"NULL\":true},"
      + "\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"two\"}]}}},"
      + "\"ss\":{\"SS\":[\"red\",\"blue\"]},\"counter\":{\"N\":\"7\"},\"u\":{\"S\":\"é\"}}";
  private static final String VALUES = "{\":five\":{\"N\":\"5.0\"},\":six\":{\"N\":\"6\"},"
      + "\":ten\":{\"N\":\"10\"},\":abc\":{\"S\":\"abc\"},\":ab\":{\"S\":\"ab\"},"
      + "\":b\":{\"S\":\"b\"},\":z\":{\"S\":\"z\"},\":true\":{\"BOOL\":true},"
      + "\":sfive\":{\"S\":\"5\"},\":red\":{\"S\":\"red\"},\":S\":{\"S\":\"S\"},"
      + "\":N\":{\"S\":\"N\"},\":v\":{\"S\":\"v\"},\":two\":{\"S\":\"two\"},\":e\":{\"S\":\"e\"},"
      + "\":three\":{\"N\":\"3\"},\":NULL\":{\"S\":\"NULL\"}}";

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "n = :five | true", // numbers compare by value: 5 = 5.0
      "n <> :five | false",
      "n < :six | true",
      "n <= :five | true",
      "n > :five | false",
      "n >= :five | true",
      "big > n | true", // two paths
      "s = :abc | true",
      "s > :ab | true", // strings by their bytes: a prefix sorts first
      "s < :b | true",
      "u > :z | true", // é (0xC3 0xA9) sorts after z (0x7A): bytes, not locale
      "n = :sfive | false", // types never match across
      "n < :sfive | false",
      "n > :sfive | false",
      "n <> :sfive | true",
      "missing = :five | false",
      "missing < :five | false",
      "missing <> :five | true",
      "t = :true | true",
      "t < :true | false", // booleans are not ordered
      "n BETWEEN :five AND :six | true",
      "n BETWEEN :six AND :ten | false",
      "s BETWEEN :ab AND :b | true",
      "n IN (:six, :ten, :five) | true",
      "n IN (:six, :ten) | false",
      "attribute_exists(n) | true",
      "attribute_exists(missing) | false",
      "attribute_not_exists(missing) | true",
      "attribute_exists(nul) | true", // a NULL value exists
      "attribute_type(n, :N) | true",
      "attribute_type(n, :S) | false",
      "attribute_type(nul, :NULL) | true",
      "begins_with(s, :ab) | true",
      "begins_with(s, :b) | false",
      "begins_with(n, :five) | false",
      "contains(s, :b) | true",
      "contains(ss, :red) | true",
      "contains(ss, :b) | false",
      "contains(m.l, :two) | true",
      "size(s) = :three | true",
      "size(ss) < :three | true",
      "size(missing) = :three | false",
      "m.k = :v | true",
      "m.l[1] = :two | true",
      "m.l[2] = :two | false",
      "m.missing.deeper = :v | false",
      "NOT n = :six | true",
      "not n = :five | false", // keywords are case-insensitive
      "n = :six OR s = :abc | true",
      "n = :six AND s = :abc | false",
      "n = :six AND s = :abc OR t = :true | true", // AND binds tighter than OR
      "n = :six AND (s = :abc OR t = :true) | false",
      "t = :true OR n = :six AND s = :z | true",
      "(t = :true OR n = :six) AND s = :z | false",
      "NOT n = :six AND n = :six | false", // NOT binds tighter than AND
      "NOT (n = :six AND n = :six) | true",
      "NOT NOT n = :five | true",
      "((n = :five)) | true",
      "#t = :five | true", // a placeholder for a reserved word
      "attribute_not_exists(#t) OR #t <= :five | true",
  })
  void conditionsEvaluateAsDynamoDbDocuments(String expression, boolean expected) {
    Placeholders p = placeholders(expression.contains("#t") ? Map.of("#t", "n") : Map.of());
    assertThat(Expressions.condition(expression, p, "ConditionExpression").test(item(ITEM)))
        .as(expression).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "n = | Syntax error; token: \"<EOF>\"",
      "n == :five | Syntax error; token: \"=\"",
      "(n = :five | Syntax error; token: \"<EOF>\"",
      "n = :five) | Syntax error; token: \")\"",
      "n = :five AND | Syntax error; token: \"<EOF>\"",
      "n BETWEEN :five | Syntax error; token: \"<EOF>\"",
      "n BETWEEN :six AND :five | BETWEEN operator requires upper bound to be greater",
      "n IN () | Syntax error; token: \")\"",
      "n ! :five | Invalid token; token: \"!\"",
      "token = :five | Attribute name is a reserved keyword; reserved keyword: token",
      "status = :five | reserved keyword: status",
      "n = :undefined | attribute value used in expression is not defined; attribute value:"
          + " :undefined",
      "#undefined = :five | attribute name used in the document path is not defined",
      "size(n) = :five | operator or function: size, operand type: N",
      "attribute_type(n, :five) | attribute_type",
      "attribute_type(n, :v) | Invalid attribute type name found; type: v",
      "n = attribute_exists(s) | The function is not allowed to be used this way",
      "size(s) | Syntax error",
      "'' | The expression can not be empty",
  })
  void malformedConditionsAreValidationExceptions(String expression, String message) {
    Map<String, JsonNode> item = item(ITEM);
    assertThatThrownBy(() -> Expressions.condition(expression, placeholders(Map.of()),
        "ConditionExpression").test(item))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.code).isEqualTo("ValidationException");
          assertThat(r.getMessage()).startsWith("Invalid ConditionExpression: ")
              .contains(message);
        });
  }

  @Test
  void placeholdersThatNoExpressionUsesAreRefused() {
    Placeholders p = placeholders(Map.of("#n", "n", "#unused", "x"));
    Expressions.condition("#n = :five", p, "ConditionExpression");
    assertThatThrownBy(p::requireAllUsed).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.getMessage()).isEqualTo("Value provided in ExpressionAttributeNames"
            + " unused in expressions: keys: {#unused}"));

    Placeholders values = placeholders(Map.of());
    Expressions.condition("n = :five OR n = :six", values, "ConditionExpression");
    assertThatThrownBy(values::requireAllUsed).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.getMessage()).startsWith("Value provided in"
            + " ExpressionAttributeValues unused in expressions: keys: {:N, :NULL, :S, :ab,"));
  }

  @Test
  void anEmptyItemFailsEveryComparisonButInequality() {
    Map<String, JsonNode> none = Map.of();
    assertThat(eval("attribute_not_exists(n) OR n = :five", none)).isTrue();
    assertThat(eval("n = :five", none)).isFalse();
    assertThat(eval("n <> :five", none)).isTrue();
    assertThat(eval("NOT n = :five", none)).isTrue();
    assertThat(eval("n BETWEEN :five AND :six", none)).isFalse();
  }

  @Test
  void updatesComputeEveryValueOnTheItemAsItWas() {
    Map<String, JsonNode> before = item(ITEM);
    Map<String, JsonNode> after = update("SET n = n + :six, big = n - :three,"
        + " fresh = if_not_exists(fresh, :ten), counter = if_not_exists(counter, :ten) + :six"
        + " REMOVE s, t", before);

    assertThat(after.get("n")).isEqualTo(AttributeValues.n(new BigDecimal(11)));
    assertThat(after.get("big")).as("n before its SET").isEqualTo(AttributeValues.n(
        new BigDecimal(2)));
    assertThat(after.get("fresh")).isEqualTo(AttributeValues.n(BigDecimal.TEN));
    assertThat(after.get("counter")).isEqualTo(AttributeValues.n(new BigDecimal(13)));
    assertThat(after).doesNotContainKeys("s", "t").containsKey("ss");
    assertThat(before.get("n")).as("the item itself is unchanged").isEqualTo(
        AttributeValues.n(BigDecimal.valueOf(5)));

    Map<String, JsonNode> appended = update("set m2 = list_append(m.l, m.l)", before);
    assertThat(appended.get("m2").get("L")).hasSize(4);
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "SET s = s + :six | An operand in the update expression has an incorrect data type",
      "SET n = missing + :six | refers to an attribute that does not exist in the item",
      "SET n = :six SET s = :abc | The \"SET\" section can only be used once",
      "SET n = :six, n = :five | Two document paths overlap with each other",
      "SET n = :six REMOVE n | Two document paths overlap with each other",
      "SET n :six | Syntax error",
      "UPSERT n = :six | Syntax error; token: \"UPSERT\"",
      "SET n = size(s) | Invalid function name; function: size",
      "SET token = :six | reserved keyword: token",
  })
  void malformedUpdatesAreValidationExceptions(String expression, String message) {
    Map<String, JsonNode> item = item(ITEM);
    assertThatThrownBy(() -> update(expression, item)).isInstanceOfSatisfying(Refusal.class,
        r -> {
          assertThat(r.code).isEqualTo("ValidationException");
          assertThat(r.getMessage()).startsWith("Invalid UpdateExpression: ").contains(message);
        });
  }

  private static boolean eval(String expression, Map<String, JsonNode> item) {
    return Expressions.condition(expression, placeholders(Map.of()), "ConditionExpression")
        .test(item);
  }

  private static Map<String, JsonNode> update(String expression, Map<String, JsonNode> item) {
    return Expressions.update(expression, placeholders(Map.of())).apply(item);
  }

  private static Placeholders placeholders(Map<String, String> names) {
    return new Placeholders(names, item(VALUES));
  }

  private static Map<String, JsonNode> item(String json) {
    try {
      return Tables.fields(FakeDynamoDb.JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
