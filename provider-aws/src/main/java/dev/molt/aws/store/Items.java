package dev.molt.aws.store;

import dev.molt.store.Lease;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table's key schema and attribute names, and the conversions of Molt's values to and from
 * DynamoDB attribute values. Every item has a string partition key {@value #PK} and a string sort
 * key {@value #SK}:
 *
 * <pre>
 * pk                      sk             what
 * fleet#&lt;fleet&gt;           lease          the fleet's lease: holder, expiresAt, token, released
 * rollout#&lt;id&gt;            record         a rollout record: record (JSON), fleet, token, finished...
 * unfinished              &lt;rollout id&gt;   one per record not finished: startedAt
 * controls#&lt;rollout id&gt;   &lt;request id&gt;   a control request
 * revision#&lt;revision&gt;     launch-spec    the rollout whose record last named the revision
 * </pre>
 *
 * Instants are numbers of seconds since the epoch with up to nine decimals, so conditions compare
 * them as numbers and a read gives back the exact instant.
 */
final class Items {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String LEASE_SK = "lease";
  static final String RECORD_SK = "record";
  static final String UNFINISHED_PK = "unfinished";
  static final String REVISION_SK = "launch-spec";

  static final String HOLDER = "holder";
  static final String EXPIRES_AT = "expiresAt";
  static final String TOKEN = "token";
  static final String RELEASED = "released";
  static final String GRANTED_AT = "grantedAt";
  static final String FLEET = "fleet";
  static final String RECORD = "record";
  static final String FINISHED = "finished";
  static final String STARTED_AT = "startedAt";
  static final String ROLLOUT_ID = "rolloutId";
  /** Every attribute name the store writes (the TTL attribute must be another). */
  static final Set<String> NAMES = Set.of(PK, SK, HOLDER, EXPIRES_AT, TOKEN,
      RELEASED, GRANTED_AT, FLEET, RECORD, FINISHED, STARTED_AT, ROLLOUT_ID, "control", "reason",
      "requestedBy", "requestedAt", CampaignItems.NAME, CampaignItems.LEASE, CampaignItems.STATE);

  private Items() {}

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  static Map<String, AttributeValue> leaseKey(String fleet) {
    return key("fleet#" + fleet, LEASE_SK);
  }

  static Map<String, AttributeValue> recordKey(String rolloutId) {
    return key("rollout#" + rolloutId, RECORD_SK);
  }

  static Map<String, AttributeValue> unfinishedKey(String rolloutId) {
    return key(UNFINISHED_PK, rolloutId);
  }

  static String controlsPk(String rolloutId) {
    return "controls#" + rolloutId;
  }

  static Map<String, AttributeValue> revisionKey(String revision) {
    return key("revision#" + revision, REVISION_SK);
  }

  static AttributeValue s(String text) {
    return AttributeValue.fromS(text);
  }

  static AttributeValue n(long number) {
    return AttributeValue.fromN(Long.toString(number));
  }

  static AttributeValue bool(boolean value) {
    return AttributeValue.fromBool(value);
  }

  static AttributeValue time(Instant instant) {
    BigDecimal seconds = BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano(), 9));
    return AttributeValue.fromN(seconds.stripTrailingZeros().toPlainString());
  }

  static Instant instant(AttributeValue value) {
    BigDecimal seconds = new BigDecimal(value.n());
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    return Instant.ofEpochSecond(whole.longValueExact(),
        seconds.subtract(whole).movePointRight(9).intValueExact());
  }

  static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    if (v == null || v.s() == null) {
      throw new IllegalArgumentException("attribute " + name + " is missing or not a string");
    }
    return v.s();
  }

  static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    if (v == null || v.n() == null) {
      throw new IllegalArgumentException("attribute " + name + " is missing or not a number");
    }
    return Long.parseLong(v.n());
  }

  /** The lease of a lease item, if it is held (granted and not released). */
  static Optional<Lease> lease(String fleet, Map<String, AttributeValue> item) {
    if (item.isEmpty() || released(item)) {
      return Optional.empty();
    }
    return Optional.of(new Lease(fleet, text(item, HOLDER), instant(item.get(EXPIRES_AT)),
        number(item, TOKEN)));
  }

  /** The newest token of a lease item; 0 for an item that does not exist. */
  static long newestToken(Map<String, AttributeValue> item) {
    return item.isEmpty() ? 0 : number(item, TOKEN);
  }

  private static boolean released(Map<String, AttributeValue> item) {
    AttributeValue v = item.get(RELEASED);
    return v != null && Boolean.TRUE.equals(v.bool());
  }
}
