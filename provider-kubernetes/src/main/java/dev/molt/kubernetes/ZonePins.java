package dev.molt.kubernetes;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.spi.LaunchRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pods pinned to a zone: a launch asking for zone {@code z} ({@link LaunchRequest#zone()}) scales
 * the revision's ReplicaSet <em>for that zone</em>, {@code <fleet>-<revision>-<z>}, whose pod
 * template carries the label {@value #LABEL}{@code =z} and the node selector {@value
 * NodeZones#NODE_LABEL}{@code =z}, so the scheduler binds its pods to nodes of that zone only. A
 * launch without a zone scales the revision's unzoned ReplicaSet {@code <fleet>-<revision>}, as
 * before. Every one of them carries the revision's owner labels, so what selects a revision's pods
 * (its Service behind the HTTPRoute, the router's hold labelling) selects every zone's.
 *
 * <p>The zoned ReplicaSet's selector adds {@value #LABEL}: it never counts the unzoned one's pods
 * (nor another zone's). The unzoned one's selector, immutable once created, also matches zoned
 * pods of its revision; the ReplicaSet controller counts only the pods whose controller reference
 * names it, so it leaves them alone. Pure: no API calls.
 *
 * <p>A zoned ReplicaSet's name may pass 63 characters (a ReplicaSet name may have 253); the API
 * server then cuts the {@code generateName} of its pods to fit, and Molt finds pods by their
 * labels, never by name.
 *
 * <p>Worked example: fleet {@code web}, revision {@code r-0123456789}, zone {@code eu-west-1a}:
 * ReplicaSet {@code web-r-0123456789-eu-west-1a}; zone {@code Zone_A} (not a DNS label): {@code
 * web-r-0123456789-z} and 10 hex digits of the zone's SHA-256.
 */
final class ZonePins {
  /** Pod (and ReplicaSet) label: the zone the pod was asked for and is pinned to. */
  static final String LABEL = "molt.dev/pinned-zone";
  /** Zones longer than this are named by hash in ReplicaSet names. */
  static final int MAX_NAMED = 20;
  private static final Pattern LABEL_VALUE =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private ZonePins() {}

  /**
   * Checks, before any API call, that the request's zone can be a label value (as every {@value
   * NodeZones#NODE_LABEL} value is).
   *
   * @throws InvalidSpecException naming the zone
   */
  static void check(LaunchRequest request) {
    request.zone().ifPresent(z -> {
      if (!LABEL_VALUE.matcher(z).matches()) {
        throw new InvalidSpecException("zone", "'" + z + "' cannot be a zone on Kubernetes:"
            + " node zones (" + NodeZones.NODE_LABEL + ") are label values, at most 63 letters,"
            + " digits, '-', '_' or '.', starting and ending with a letter or digit");
      }
    });
  }

  /** @return the ReplicaSet a request scales: its revision's, for its zone if it names one */
  static String replicaSetName(LaunchRequest request) {
    return replicaSetName(request.fleet(), request.revision(), request.zone());
  }

  /**
   * @return {@code <fleet>-<revision>} without a zone; with one, {@code -<zone>} added (a
   *     lowercase DNS label of at most {@value #MAX_NAMED} characters) or {@code -z<hash>}
   */
  static String replicaSetName(String fleet, Revision revision, Optional<String> zone) {
    String base = PodTemplates.replicaSetName(fleet, revision);
    return zone.map(z -> base + "-" + (z.length() <= MAX_NAMED && DNS_LABEL.matcher(z).matches()
        ? z : "z" + hash(z))).orElse(base);
  }

  /** @return the selector of the request's ReplicaSet: the revision's, plus the pin if zoned */
  static Map<String, String> selector(LaunchRequest request) {
    Map<String, String> selector = new LinkedHashMap<>(
        PodTemplates.selector(request.fleet(), request.revision()));
    request.zone().ifPresent(z -> selector.put(LABEL, z));
    return selector;
  }

  /** @return the zone these pod (or template) labels pin to; empty if unpinned */
  static Optional<String> of(Map<String, String> labels) {
    return Optional.ofNullable(labels == null ? null : labels.get(LABEL))
        .filter(z -> !z.isBlank());
  }

  /** @return the node selector pinning pods to {@code zone} */
  static Map<String, String> nodeSelector(String zone) {
    return Map.of(NodeZones.NODE_LABEL, zone);
  }

  private static String hash(String zone) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(zone.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
