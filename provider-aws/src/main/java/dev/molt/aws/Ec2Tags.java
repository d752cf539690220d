package dev.molt.aws;

import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * How Molt's labels become EC2 tags and back, and the tag filters that select a fleet. Tags are
 * the labels one to one (EC2 allows the {@code molt.dev/...} keys as they are), plus a {@code Name}
 * tag for the console and the tags the provider keeps its own state in.
 */
final class Ec2Tags {
  /** When drain started (ISO-8601 instant); its presence means "draining". */
  static final String DRAIN_STARTED = "molt.dev/drain-started";
  /** The port an instance serves on (the health check's, else the spec's first), for addresses. */
  static final String PORT = "molt.dev/port";
  /**
   * Set at launch on instances that get traffic by split only ({@code LaunchRequest.holdTraffic}):
   * they join the shared target group (even traffic) only while a split is in force.
   */
  static final String HOLD = "molt.dev/hold-traffic";
  /**
   * The instance's availability zone, as EC2 reports its placement: a label Molt adds to every
   * observed instance, not a tag ({@link OwnerLabels#ZONE}, which zonal rolling updates read).
   */
  static final String ZONE = OwnerLabels.ZONE;
  /** EC2's display name tag. */
  static final String NAME = "Name";
  /** EC2's limit on a tag value's length. */
  static final int MAX_VALUE = 256;
  /** EC2 instance states an observed fleet includes: everything not shutting down or gone. */
  static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped");

  private Ec2Tags() {}

  /** @return the instance tag specification for {@code labels}, in key order */
  static TagSpecification forInstances(Map<String, String> labels) {
    return TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags(labels))
        .build();
  }

  /** @return one tag per label, in key order */
  static List<Tag> tags(Map<String, String> labels) {
    List<Tag> out = new ArrayList<>();
    new TreeMap<>(labels).forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    return out;
  }

  /** @return the tags as a map; an absent tag list is empty */
  static Map<String, String> labels(List<Tag> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Tag t : tags) {
      if (t.key() != null) {
        out.put(t.key(), t.value() == null ? "" : t.value());
      }
    }
    return out;
  }

  /** @return the filters selecting the fleet's live instances that Molt owns */
  static List<Filter> fleetFilters(String fleet) {
    return List.of(
        filter("tag:" + OwnerLabels.MANAGED_BY, List.of(OwnerLabels.MANAGER)),
        filter("tag:" + OwnerLabels.FLEET, List.of(fleet)),
        filter("instance-state-name", LIVE_STATES));
  }

  static Filter filter(String name, List<String> values) {
    return Filter.builder().name(name).values(values).build();
  }

  /** @return the revision a {@code molt.dev/revision} tag names, if readable */
  static Optional<Revision> revisionOf(Map<String, String> labels) {
    try {
      return Optional.of(Revision.of(labels.getOrDefault(OwnerLabels.REVISION, "")));
    } catch (InvalidSpecException e) {
      return Optional.empty();
    }
  }

  /** @return {@code value} cut to EC2's tag value limit */
  static String value(String value) {
    return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE);
  }
}
