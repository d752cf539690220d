package dev.molt.aws;

import dev.molt.ProviderException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * The availability zone of each configured subnet, for launches pinned to a zone ({@link
 * dev.molt.spi.LaunchRequest#zone()}). A subnet's zone is fixed when it is created, so each is
 * learnt once: one DescribeSubnets for the subnets not yet known (paced under the Describe
 * bucket, as every describe call is), remembered for the provider's life. A failed call
 * remembers nothing. Thread-safe; two launches may both ask for a subnet not yet known (the
 * answers agree).
 */
final class SubnetZones {
  private final Ec2Client ec2;
  private final RequestPacer pacer;
  private final Map<String, String> zones = new ConcurrentHashMap<>();

  SubnetZones(Ec2Client ec2, RequestPacer pacer) {
    this.ec2 = ec2;
    this.pacer = pacer;
  }

  /**
   * The configured subnets in {@code zone}, in their configured order.
   *
   * @param fleet the fleet launching, for errors
   * @param subnets the subnets the launch spec names, at least one
   * @param zone the zone asked for
   * @return those of {@code subnets} in {@code zone}, at least one
   * @throws ProviderException non-retryable, naming the zone and each subnet's zone, when none is
   *     in it; as {@link AwsErrors} translates a failed DescribeSubnets
   */
  List<String> in(String fleet, List<String> subnets, String zone) {
    Map<String, String> zoneOf = of(fleet, subnets);
    List<String> in = subnets.stream().filter(s -> zone.equals(zoneOf.get(s))).toList();
    if (in.isEmpty()) {
      throw new ProviderException("launch", fleet, false, "no configured subnet is in zone "
          + zone + " (the subnets' zones: " + zoneOf + "); add a subnet in " + zone
          + " to aws.subnetIds, or ask for one of " + zoneOf.values().stream().distinct()
              .sorted().toList() + "; nothing was launched");
    }
    return in;
  }

  /** @return each subnet's zone, in the order given; one DescribeSubnets for the unknown ones */
  Map<String, String> of(String fleet, List<String> subnets) {
    List<String> unknown = subnets.stream().filter(s -> !zones.containsKey(s)).toList();
    if (!unknown.isEmpty()) {
      pacer.describes.take("launch", fleet, 1);
      List<Subnet> found = AwsErrors.call("launch", fleet,
          () -> ec2.describeSubnets(r -> r.subnetIds(unknown)).subnets());
      found.forEach(s -> zones.put(s.subnetId(), s.availabilityZone()));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : subnets) {
      String zone = zones.get(s);
      if (zone == null) {
        throw new ProviderException("launch", fleet, false, "EC2 does not describe subnet " + s
            + " of aws.subnetIds, so its zone is unknown; check the subnet id and region");
      }
      out.put(s, zone);
    }
    return out;
  }
}
