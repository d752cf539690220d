package dev.molt.aws.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Keys of the fake's {@code pk}/{@code sk} tables, as the fake keeps them. */
final class FakeKeys {
  private FakeKeys() {}

  static Map<String, JsonNode> of(String pk, String sk) {
    return Map.of(Items.PK, AttributeValues.s(pk), Items.SK, AttributeValues.s(sk));
  }
}
