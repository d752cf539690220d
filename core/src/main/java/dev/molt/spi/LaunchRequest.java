package dev.molt.spi;

import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.Arguments;
import java.util.Map;
import java.util.Optional;

/**
 * A request to launch {@code count} new instances of one revision.
 *
 * @param fleet the fleet they join
 * @param spec what to launch
 * @param count how many, at least 1
 * @param rolloutId the rollout asking
 * @param requestKey an idempotency key: a provider that sees the same key twice returns the
 *     instances of the first call instead of launching more (an AWS client token, a Kubernetes
 *     ReplicaSet generation, a container name prefix)
 * @param holdTraffic {@code true}: a traffic router gives these instances no traffic, even once
 *     ready, until a split ({@link TrafficRouter#setWeights}) is set; the split then decides (a
 *     canary or blue-green revision, whose traffic moves only by split). {@code false}: a router
 *     puts them in rotation once ready, sharing traffic evenly while no split is set (a rolling
 *     update). Providers without a router ignore it
 * @param zone the zone to place every instance in ({@link OwnerLabels#ZONE}), as a zonal rolling
 *     update asks; empty: wherever the provider places them. A provider that can place by zone
 *     puts them there and reports the zone in that label: the in-memory provider; Kubernetes
 *     (the pods of a revision's per-zone ReplicaSet, bound by a node selector on {@code
 *     topology.kubernetes.io/zone} to that zone's nodes); AWS EC2 (the configured subnets in that
 *     zone only, or EC2's placement in the zone without subnets; a zone no configured subnet is
 *     in is refused); Docker (whose one host places nothing: it labels the containers with it).
 *     One that cannot (the AWS Auto Scaling mode) ignores it, and a zonal rolling update then sees
 *     its instances in whatever zone (or none) they report. The provider conformance kit checks
 *     the zone rules for the providers that declare they place by zone
 */
public record LaunchRequest(
    String fleet, LaunchSpec spec, int count, String rolloutId, String requestKey,
    boolean holdTraffic, Optional<String> zone) {

  /** Validates the fields. */
  public LaunchRequest {
    Arguments.notBlank(fleet, "fleet");
    Arguments.required(spec, "spec");
    Arguments.positive(count, "count");
    Arguments.notBlank(rolloutId, "rolloutId");
    Arguments.notBlank(requestKey, "requestKey");
    Arguments.optional(zone, "zone");
    zone.ifPresent(z -> Arguments.notBlank(z, "zone"));
  }

  /**
   * A request placed wherever the provider chooses ({@code zone} empty).
   *
   * @param fleet the fleet they join
   * @param spec what to launch
   * @param count how many, at least 1
   * @param rolloutId the rollout asking
   * @param requestKey the idempotency key
   * @param holdTraffic whether a router holds them out of traffic until a split is set
   */
  public LaunchRequest(String fleet, LaunchSpec spec, int count, String rolloutId,
      String requestKey, boolean holdTraffic) {
    this(fleet, spec, count, rolloutId, requestKey, holdTraffic, Optional.empty());
  }

  /**
   * A request whose instances join traffic once ready ({@code holdTraffic} false).
   *
   * @param fleet the fleet they join
   * @param spec what to launch
   * @param count how many, at least 1
   * @param rolloutId the rollout asking
   * @param requestKey the idempotency key
   */
  public LaunchRequest(String fleet, LaunchSpec spec, int count, String rolloutId,
      String requestKey) {
    this(fleet, spec, count, rolloutId, requestKey, false);
  }

  /**
   * @param placeIn the zone to ask for
   * @return a copy asking for {@code placeIn}
   */
  public LaunchRequest inZone(String placeIn) {
    return new LaunchRequest(fleet, spec, count, rolloutId, requestKey, holdTraffic,
        Optional.of(placeIn));
  }

  /** @return the revision of {@link #spec()} */
  public Revision revision() {
    return spec.revision();
  }

  /**
   * @return the owner labels every launched instance must carry; for a fresh baseline's spec
   *     (option {@link OwnerLabels#ROLE} = {@link OwnerLabels#BASELINE}) also that role label
   */
  public Map<String, String> ownerLabels() {
    Map<String, String> owner = OwnerLabels.of(fleet, revision(), rolloutId);
    if (!OwnerLabels.isBaseline(spec.options())) {
      return owner;
    }
    Map<String, String> labels = new java.util.HashMap<>(owner);
    labels.put(OwnerLabels.ROLE, OwnerLabels.BASELINE);
    return Map.copyOf(labels);
  }
}
