package dev.molt.kubernetes.store;

import dev.molt.OwnerLabels;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Names, labels and annotations of the store's objects. A fleet, rollout, campaign or request id
 * may hold characters (capitals, underscores) or lengths that a Kubernetes name or label value
 * cannot, so names are a readable slug plus a hash of the exact id, label values are hashes only,
 * and the exact ids are kept in annotations and checked on every read: a hash collision is
 * refused, never mistaken for the other id.
 */
final class StoreObjects {
  /**
   * What kind of store object it is: {@link #LEASE}, {@link #ROLLOUT}, {@link #CAMPAIGN} or
   * {@link #CONTROL}.
   */
  static final String KIND = "molt.dev/store-object";
  static final String LEASE = "fleet-lease";
  static final String ROLLOUT = "rollout";
  static final String CAMPAIGN = "campaign";
  static final String CONTROL = "control-request";
  /** Label: the hash key of the fleet (on leases and rollouts). */
  static final String FLEET_KEY = "molt.dev/fleet-key";
  /** Label: the hash key of the rollout id (on rollouts and control requests). */
  static final String ROLLOUT_KEY = "molt.dev/rollout-key";
  /** Label: the hash key of the campaign id (on campaigns). */
  static final String CAMPAIGN_KEY = "molt.dev/campaign-key";
  /** Label on a rollout or campaign: {@code true} once it ended. */
  static final String FINISHED = "molt.dev/finished";

  /** Annotation: the exact fleet name. */
  static final String FLEET = "molt.dev/fleet";
  /** Annotation: the exact rollout id. */
  static final String ROLLOUT_ID = "molt.dev/rollout-id";
  /** Annotation: the exact campaign id. */
  static final String CAMPAIGN_ID = "molt.dev/campaign-id";
  /** Annotation: the exact campaign name. */
  static final String CAMPAIGN_NAME = "molt.dev/campaign-name";
  /** Annotation: the exact control request id. */
  static final String REQUEST_ID = "molt.dev/request-id";
  /** Annotation on a lease: the fleet's newest fencing token (decimal, exact). */
  static final String TOKEN = "molt.dev/fencing-token";
  /** Annotation on a lease: when the current lease lapses (ISO-8601, exact); absent if released. */
  static final String EXPIRES_AT = "molt.dev/expires-at";
  /**
   * Annotation on a lease: the rollout and campaign objects written under each token not yet
   * fenced by a later grant, as {@code name=token} entries separated by commas.
   */
  static final String WRITTEN = "molt.dev/written-under-token";
  /** Annotation on a rollout or campaign: the highest token that wrote or fenced it. */
  static final String FENCE = "molt.dev/fence";

  private static final String CAMPAIGN_PREFIX = "molt-campaign-";

  /** Keeps every name within 63 characters, as a DNS label, for tools that expect it. */
  private static final int SLUG = 30;

  private StoreObjects() {}

  /** @return the name of the fleet's Lease */
  static String leaseName(String fleet) {
    return name("molt-fleet-", fleet, fleet);
  }

  /** @return the name of the rollout's ConfigMap */
  static String rolloutName(String rolloutId) {
    return name("molt-rollout-", rolloutId, rolloutId);
  }

  /** @return the name of the campaign's ConfigMap */
  static String campaignName(String campaignId) {
    return name(CAMPAIGN_PREFIX, campaignId, campaignId);
  }

  /** @return the kind of the lease-fenced object of that name: a campaign's or a rollout's */
  static String fencedKind(String name) {
    return name.startsWith(CAMPAIGN_PREFIX) ? CAMPAIGN : ROLLOUT;
  }

  /** @return the name of the control request's ConfigMap */
  static String controlName(String rolloutId, String requestId) {
    return name("molt-control-", requestId, rolloutId + "\n" + requestId);
  }

  /** @return a label-safe key of {@code id}: 16 hex digits of its SHA-256 */
  static String key(String id) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** @return {@code prefix}, a readable slug of {@code readable}, and a hash of {@code exact} */
  private static String name(String prefix, String readable, String exact) {
    String slug = readable.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^-+|-+$", "");
    if (slug.length() > SLUG) {
      slug = slug.substring(0, SLUG).replaceAll("-+$", "");
    }
    return prefix + (slug.isEmpty() ? "" : slug + "-") + key(exact).substring(0, 10);
  }

  /** @return metadata for a new store object of {@code kind} */
  static ObjectMeta meta(String name, String kind, Map<String, String> labels,
      Map<String, String> annotations) {
    Map<String, String> all = new HashMap<>(labels);
    all.put(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER);
    all.put(KIND, kind);
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setLabels(all);
    meta.setAnnotations(new HashMap<>(annotations));
    return meta;
  }

  /** @return whether {@code object} carries Molt's labels for a store object of {@code kind} */
  static boolean isOurs(HasMetadata object, String kind) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && OwnerLabels.MANAGER.equals(labels.get(OwnerLabels.MANAGED_BY))
        && kind.equals(labels.get(KIND));
  }

  /** @return the annotation, if set */
  static Optional<String> annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }

  /**
   * @return the annotation as a number, 0 if absent
   * @throws StoreException if it is not a number (someone edited the object)
   */
  static long number(HasMetadata object, String key) {
    String text = annotation(object, key).orElse("0");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new StoreException("annotation " + key + " of " + object.getKind() + " "
          + object.getMetadata().getName() + " is '" + text + "', not a number; was the object"
          + " edited by hand? Restore it, or delete it if its fleet has no running rollout", e);
    }
  }

  /** @return the selector of Molt's store objects of {@code kind}, plus {@code more} */
  static Map<String, String> selector(String kind, Map<String, String> more) {
    Map<String, String> all = new HashMap<>(more);
    all.put(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER);
    all.put(KIND, kind);
    return all;
  }
}
