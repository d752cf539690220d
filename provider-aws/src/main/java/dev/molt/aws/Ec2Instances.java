package dev.molt.aws;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Reservation;

/**
 * Reads a fleet's instances from EC2: listings filtered by owner tags on the EC2 side (paginated
 * by 1000), ownership checks of instances by id (batched by 200, the filter value limit), and the
 * mapping of an EC2 instance to Molt's {@link Instance}.
 */
final class Ec2Instances {
  private static final Logger LOG = LoggerFactory.getLogger(Ec2Instances.class);
  /** DescribeInstances' largest page. */
  static final int PAGE = 1000;
  /** The most values one EC2 filter takes. */
  static final int FILTER_VALUES = 200;

  private final Ec2Client ec2;
  private final RequestPacer pacer;

  Ec2Instances(Ec2Client ec2, RequestPacer pacer) {
    this.ec2 = ec2;
    this.pacer = pacer;
  }

  /** @return the fleet's live owned EC2 instances: one DescribeInstances call per 1000 */
  List<software.amazon.awssdk.services.ec2.model.Instance> fleet(String operation, String fleet) {
    return describe(operation, fleet, Ec2Tags.fleetFilters(fleet));
  }

  /**
   * Describes instances by id, whatever their tags, so that their owner tags can be checked. Ids
   * EC2 does not know are simply absent (an id filter, unlike the InstanceIds parameter, does not
   * fail on them).
   *
   * @return EC2 instance by id
   */
  Map<String, software.amazon.awssdk.services.ec2.model.Instance> byId(String operation,
      String fleet, List<String> ids) {
    Map<String, software.amazon.awssdk.services.ec2.model.Instance> out = new LinkedHashMap<>();
    List<String> distinct = ids.stream().distinct().toList();
    for (int from = 0; from < distinct.size(); from += FILTER_VALUES) {
      List<String> batch = distinct.subList(from, Math.min(distinct.size(), from + FILTER_VALUES));
      describe(operation, fleet, List.of(Ec2Tags.filter("instance-id", batch)))
          .forEach(i -> out.put(i.instanceId(), i));
    }
    return out;
  }

  /**
   * Checks that every instance is Molt's and the fleet's, before anything is touched.
   *
   * @return the ones still alive (not shutting down or terminated), in the order given; ids EC2 no
   *     longer knows are left out (already gone)
   * @throws ProviderException non-retryable, naming the first instance that is not the fleet's
   */
  List<software.amazon.awssdk.services.ec2.model.Instance> requireOwned(String operation,
      String fleet, List<Instance> instances) {
    Map<String, software.amazon.awssdk.services.ec2.model.Instance> found =
        byId(operation, fleet, instances.stream().map(Instance::id).toList());
    List<software.amazon.awssdk.services.ec2.model.Instance> alive = new ArrayList<>();
    for (Instance wanted : instances) {
      software.amazon.awssdk.services.ec2.model.Instance i = found.get(wanted.id());
      if (i == null) {
        continue;
      }
      if (!OwnerLabels.isOwned(Ec2Tags.labels(i.tags()), fleet)) {
        throw new ProviderException(operation, wanted.id(), false, "refusing to " + operation + " "
            + wanted.id() + ": its tags lack Molt's owner labels for fleet " + fleet
            + " (" + OwnerLabels.MANAGED_BY + "=" + OwnerLabels.MANAGER + ", "
            + OwnerLabels.FLEET + "=" + fleet + "); Molt never touches what it does not own");
      }
      if (isLive(i) && alive.stream().noneMatch(a -> a.instanceId().equals(i.instanceId()))) {
        alive.add(i);
      }
    }
    return alive;
  }

  private List<software.amazon.awssdk.services.ec2.model.Instance> describe(String operation,
      String resource, List<Filter> filters) {
    return AwsErrors.call(operation, resource, () -> {
      List<software.amazon.awssdk.services.ec2.model.Instance> out = new ArrayList<>();
      DescribeInstancesRequest first = DescribeInstancesRequest.builder().filters(filters)
          .maxResults(PAGE).build();
      Optional<String> next = Optional.empty();
      do { // one describe token per page
        pacer.describes.take(operation, resource, 1);
        DescribeInstancesRequest page = next.map(t -> first.toBuilder().nextToken(t).build())
            .orElse(first);
        DescribeInstancesResponse answer = ec2.describeInstances(page);
        for (Reservation r : answer.reservations()) {
          out.addAll(r.instances());
        }
        next = Optional.ofNullable(answer.nextToken()).filter(t -> !t.isEmpty());
      } while (next.isPresent());
      return out;
    });
  }

  static boolean isLive(software.amazon.awssdk.services.ec2.model.Instance i) {
    return i.state() != null && Ec2Tags.LIVE_STATES.contains(i.state().nameAsString());
  }

  /**
   * Maps an EC2 instance to Molt's view, its tags as labels plus {@link Ec2Tags#ZONE}, the zone EC2
   * placed it in. Pending is {@code LAUNCHING}; running is {@code RUNNING},
   * or, once it carries the drain tag, {@code DRAINING} while {@code stillDraining} says so and
   * {@code DRAINED} after; stopping and stopped are {@code FAILED} (an instance never stops on
   * Molt's behalf).
   *
   * @param stillDraining whether a drain-tagged instance (by id) is not out of its target groups
   *     yet, as ELBv2 reports it
   * @return the instance, or empty when its revision tag is unreadable (logged)
   */
  static Optional<Instance> toMolt(String fleet,
      software.amazon.awssdk.services.ec2.model.Instance i, Instant now,
      Predicate<String> stillDraining) {
    Map<String, String> labels = new LinkedHashMap<>(Ec2Tags.labels(i.tags()));
    if (i.placement() != null && i.placement().availabilityZone() != null
        && !i.placement().availabilityZone().isBlank()) {
      labels.put(Ec2Tags.ZONE, i.placement().availabilityZone());
    }
    Revision revision;
    try {
      revision = Revision.of(labels.getOrDefault(OwnerLabels.REVISION, ""));
    } catch (InvalidSpecException e) {
      LOG.warn("fleet={} instance={} has no readable {} tag; left out", fleet, i.instanceId(),
          OwnerLabels.REVISION);
      return Optional.empty();
    }
    Instant launched = i.launchTime() == null ? now : i.launchTime();
    Optional<Instant> drainStarted = drainStarted(labels);
    InstanceState state = switch (i.state() == null ? "" : i.state().nameAsString()) {
      case "pending" -> InstanceState.LAUNCHING;
      case "running" -> drainStarted
          .map(at -> stillDraining.test(i.instanceId()) ? InstanceState.DRAINING
              : InstanceState.DRAINED)
          .orElse(InstanceState.RUNNING);
      case "shutting-down", "terminated" -> InstanceState.TERMINATED;
      default -> InstanceState.FAILED;
    };
    Instant since = state.isDraining() ? drainStarted.orElse(launched) : launched;
    Optional<String> address = Optional.ofNullable(i.privateIpAddress())
        .filter(Predicate.not(String::isBlank))
        .map(ip -> labels.containsKey(Ec2Tags.PORT) ? ip + ":" + labels.get(Ec2Tags.PORT) : ip);
    // no healthySince: neither target health nor status checks say since when they pass, so the
    // engine dates the healthy streak from its own observations
    return Optional.of(new Instance(i.instanceId(), fleet, revision, address, state, launched,
        since, Optional.empty(), labels));
  }

  static Optional<Instant> drainStarted(Map<String, String> labels) {
    String v = labels.get(Ec2Tags.DRAIN_STARTED);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      return Optional.of(Instant.EPOCH); // a hand-made drain tag: drained long ago
    }
  }
}
