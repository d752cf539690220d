package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 4 and 18 on EC2: a launch asking for a zone goes only to the configured subnets
 * in that zone (their zones learnt once, by DescribeSubnets); a full zone falls back to its other
 * subnets, then fails retryably naming it; a zone no subnet is in is refused before anything is
 * launched. Through the SDK against the fake.
 */
class AwsZonesTest {
  private static final String FLEET = "web";
  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-12-04T00:00:00Z"));
  private final AwsFixture aws = new AwsFixture(time.clock(), Duration.ofSeconds(30),
      Duration.ofSeconds(20), Duration.ofSeconds(60));
  private final AwsProvider provider = aws.provider().clock(time.clock()).build();
  private final LaunchSpec spread = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
      .option("aws.subnetIds", "subnet-a1,subnet-b1,subnet-b2,subnet-c1").build();

  AwsZonesTest() {
    Map.of("subnet-a1", "us-east-1a", "subnet-b1", "us-east-1b", "subnet-b2", "us-east-1b",
        "subnet-c1", "us-east-1c").forEach(aws.fake::subnet);
  }

  @AfterEach
  void close() {
    aws.close();
  }

  private static LaunchRequest request(LaunchSpec spec, int count, String key, String zone) {
    return new LaunchRequest(FLEET, spec, count, "ro-1", key).inZone(zone);
  }

  private String subnetOf(Instance i) {
    return aws.fake.runRequest(i.id()).get("SubnetId");
  }

  @Test
  void aZonedLaunchGoesOnlyToTheSubnetsInThatZoneAndLearnsTheirZonesOnce() {
    Set<String> subnets = new TreeSet<>();
    for (int n = 0; n < 8; n++) {
      List<Instance> made = provider.launch(request(spread, 1, "b-" + n, "us-east-1b"));
      assertThat(made).singleElement().satisfies(i -> assertThat(i.labels())
          .containsEntry(Ec2Tags.ZONE, "us-east-1b"));
      subnets.add(subnetOf(made.get(0)));
    }
    Instance c = provider.launch(request(spread, 1, "c", "us-east-1c")).get(0);

    assertThat(subnets).as("spread over the zone's subnets only")
        .containsExactly("subnet-b1", "subnet-b2");
    assertThat(subnetOf(c)).isEqualTo("subnet-c1");
    assertThat(provider.observe(FLEET)).hasSize(9).extracting(i -> i.labels().get(Ec2Tags.ZONE))
        .containsOnly("us-east-1b", "us-east-1c");
    assertThat(aws.fake.calls("DescribeSubnets")).as("each subnet's zone learnt once")
        .isEqualTo(1);
  }

  @Test
  void aFullPinnedZoneTriesItsOtherSubnetThenIsARetryableFailureNamingTheZone() {
    aws.fake.noCapacityIn("subnet-b1");
    List<Instance> placed = provider.launch(request(spread, 2, "full-1", "us-east-1b"));
    assertThat(placed).hasSize(2).allSatisfy(i -> assertThat(subnetOf(i)).isEqualTo("subnet-b2"));

    aws.fake.noCapacityIn("subnet-b2");
    int runs = aws.fake.calls("RunInstances");
    assertThatThrownBy(() -> provider.launch(request(spread, 1, "full-2", "us-east-1b")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("InsufficientInstanceCapacity")
              .contains("zone us-east-1b").contains("subnet-b1").contains("subnet-b2");
        });
    assertThat(aws.fake.calls("RunInstances") - runs).as("both of the zone's subnets, no other")
        .isEqualTo(2);
    assertThat(aws.fake.liveIds()).as("nothing placed outside the zone").hasSize(2);
  }

  @Test
  void aZoneNoConfiguredSubnetIsInIsRefusedBeforeAnythingIsLaunched() {
    assertThatThrownBy(() -> provider.launch(request(spread, 1, "d", "us-east-1d")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("zone us-east-1d")
              .contains("subnet-a1=us-east-1a").contains("subnet-b2=us-east-1b")
              .contains("subnet-c1=us-east-1c");
        });
    assertThat(aws.fake.calls("RunInstances")).isZero();
    assertThat(aws.fake.calls("DescribeInstances")).isZero();
  }

  @Test
  void aSingleSubnetServesItsOwnZoneOnly() {
    LaunchSpec single = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.subnetId", "subnet-b1").build();

    Instance b = provider.launch(request(single, 1, "b", "us-east-1b")).get(0);

    assertThat(subnetOf(b)).isEqualTo("subnet-b1");
    assertThatThrownBy(() -> provider.launch(request(single, 1, "a", "us-east-1a")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage())
            .contains("zone us-east-1a").contains("subnet-b1=us-east-1b"));
  }

  @Test
  void withoutConfiguredSubnetsEc2IsAskedForTheZone() {
    Instance i = provider.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "k",
        "us-east-1c")).get(0);

    assertThat(aws.fake.runRequest(i.id())).containsEntry("Placement.AvailabilityZone",
        "us-east-1c").doesNotContainKey("SubnetId");
    assertThat(i.labels()).containsEntry(Ec2Tags.ZONE, "us-east-1c");
    assertThat(aws.fake.calls("DescribeSubnets")).isZero();
  }

  @Test
  void aSubnetEc2DoesNotKnowIsANonRetryableErrorNamingIt() {
    LaunchSpec typo = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.subnetIds", "subnet-a1,subnet-nope").build();

    assertThatThrownBy(() -> provider.launch(request(typo, 1, "k", "us-east-1a")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("InvalidSubnetID.NotFound").contains("subnet-nope");
        });
    assertThat(aws.fake.calls("RunInstances")).isZero();
  }

  @Test
  void learningTheSubnetsZonesIsPacedUnderTheDescribeBucket() {
    // the root device named: no DescribeImages takes a token before DescribeSubnets
    LaunchSpec named = spread.toBuilder().option("aws.rootDeviceName", "/dev/xvda").build();
    for (int n = 0; n < 100; n++) {
      provider.observe(FLEET); // one describe token each
    }

    assertThatThrownBy(() -> provider.launch(request(named, 1, "paced", "us-east-1b")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("Describe*");
        });
    assertThat(aws.fake.calls("DescribeSubnets")).isZero();
    assertThat(aws.fake.calls("DescribeImages")).isZero();
    assertThat(aws.fake.calls("RunInstances")).isZero();
    time.advance(Duration.ofMillis(100)); // two tokens: DescribeSubnets, then the token lookup
    assertThat(provider.launch(request(named, 1, "paced", "us-east-1b"))).singleElement()
        .satisfies(i -> assertThat(i.labels()).containsEntry(Ec2Tags.ZONE, "us-east-1b"));
    assertThat(aws.fake.calls("DescribeSubnets")).isEqualTo(1);
  }

  @Test
  void anUnzonedLaunchStillSpreadsOverEverySubnetAndAsksNoZones() {
    Set<String> zones = new TreeSet<>();
    for (int n = 0; n < 8; n++) {
      zones.add(provider.launch(new LaunchRequest(FLEET, spread, 1, "ro-1", "any-" + n)).get(0)
          .labels().get(Ec2Tags.ZONE));
    }

    assertThat(zones).hasSizeGreaterThan(1);
    assertThat(aws.fake.calls("DescribeSubnets")).isZero();
  }
}
