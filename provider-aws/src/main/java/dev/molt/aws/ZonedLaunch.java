package dev.molt.aws;

import dev.molt.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Placement;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * A launch over several subnets ({@code aws.subnetIds}), spread across their availability zones:
 * each launch request goes whole to one subnet, the first one tried chosen from the request's
 * client token (so batches spread over the zones, and a retried request starts where it did); an
 * {@code InsufficientInstanceCapacity} answer moves it to the next subnet, in order. Each subnet
 * has its own client token; before trying any, one DescribeInstances on the {@code client-token}
 * filter finds instances an earlier attempt of the same request launched in any subnet and
 * returns those, so a retry after a fallback launches nothing more (within EC2's eventual
 * consistency). A launch pinned to a zone ({@link #inZone}) does the same over the subnets in that
 * zone only.
 */
final class ZonedLaunch {
  private static final Logger LOG = LoggerFactory.getLogger(ZonedLaunch.class);
  /** EC2's answer when a zone has no capacity for the instance type right now. */
  static final String NO_CAPACITY = "InsufficientInstanceCapacity";

  private ZonedLaunch() {}

  static List<Instance> run(Ec2Client ec2, RequestPacer pacer, String fleet,
      RunInstancesRequest base, List<String> subnets) {
    return run(ec2, pacer, fleet, base, subnets, Optional.empty());
  }

  /**
   * A launch pinned to {@code zone}: over {@code subnets}, the configured subnets in that zone
   * ({@link SubnetZones#in}), as {@link #run} spreads and falls back, never leaving the zone; with
   * no subnet configured, one RunInstances asking EC2 for the zone ({@code
   * Placement.AvailabilityZone}: the default VPC's subnet there). No capacity in the zone is a
   * retryable failure naming it.
   */
  static List<Instance> inZone(Ec2Client ec2, RequestPacer pacer, String fleet,
      RunInstancesRequest base, List<String> subnets, String zone) {
    if (!subnets.isEmpty()) {
      return run(ec2, pacer, fleet, base, subnets, Optional.of(zone));
    }
    try {
      return runOrSayFull(ec2, base.toBuilder()
          .placement(Placement.builder().availabilityZone(zone).build()).build());
    } catch (NoCapacity e) {
      throw noCapacity(fleet, base, Optional.of(zone), List.of());
    } catch (RuntimeException e) {
      throw AwsErrors.translate("launch", fleet, e);
    }
  }

  private static List<Instance> run(Ec2Client ec2, RequestPacer pacer, String fleet,
      RunInstancesRequest base, List<String> subnets, Optional<String> zone) {
    int k = subnets.size();
    int first = Math.floorMod(base.clientToken().hashCode(), k);
    List<String> order = new ArrayList<>();
    for (int n = 0; n < k; n++) {
      order.add(subnets.get((first + n) % k));
    }
    List<String> tokens = order.stream().map(s -> ClientTokens.inSubnet(base.clientToken(), s))
        .toList();
    pacer.describes.take("launch", fleet, 1);
    List<Instance> earlier = AwsErrors.call("launch", fleet, () -> ec2.describeInstances(r -> r
        .filters(Filter.builder().name("client-token").values(tokens).build())).reservations()
        .stream().map(Reservation::instances).flatMap(List::stream).toList());
    if (!earlier.isEmpty()) {
      return earlier;
    }
    List<String> full = new ArrayList<>();
    for (int n = 0; n < k; n++) {
      RunInstancesRequest run = base.toBuilder().subnetId(order.get(n)).clientToken(tokens.get(n))
          .build();
      try {
        return runOrSayFull(ec2, run);
      } catch (NoCapacity e) {
        full.add(order.get(n));
        LOG.info("fleet={} action=launch subnet={} reason={} next={}", fleet, order.get(n),
            NO_CAPACITY, n + 1 < k ? order.get(n + 1) : "none");
      } catch (RuntimeException e) {
        throw AwsErrors.translate("launch", fleet, e);
      }
    }
    throw noCapacity(fleet, base, zone, full);
  }

  private static ProviderException noCapacity(String fleet, RunInstancesRequest base,
      Optional<String> zone, List<String> full) {
    String type = base.instanceTypeAsString();
    return zone.map(z -> new ProviderException("launch", fleet, true, "EC2 has no " + type
            + " capacity (" + NO_CAPACITY + ") in zone " + z + ", the zone asked for"
            + (full.isEmpty() ? "" : " (subnets " + full + ")") + "; retry later, or add"
            + " subnets in " + z + " or use another instance type"))
        .orElseGet(() -> new ProviderException("launch", fleet, true, "EC2 has no " + type
            + " capacity (" + NO_CAPACITY + ") in any zone of subnets " + full + "; retry later,"
            + " or add subnets in other zones or another instance type"));
  }

  private static List<Instance> runOrSayFull(Ec2Client ec2, RunInstancesRequest run) {
    try {
      return ec2.runInstances(run).instances();
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() != null && NO_CAPACITY.equals(e.awsErrorDetails().errorCode())) {
        throw new NoCapacity();
      }
      throw e;
    }
  }

  /** The subnet's zone is full: try the next. Never leaves this class. */
  private static final class NoCapacity extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoCapacity() {
      super(NO_CAPACITY, null, false, false);
    }
  }
}
