package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;
import dev.molt.testkit.conformance.RoutedProviderContract;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The test kit's provider contract through the SDK's real request marshalling, against the
 * in-process fake EC2 + ELBv2, with the listener router (the routed contract's traffic clauses)
 * and subnets in two zones (the zone clauses):
 * instances pend 200 ms, then pass checks 200 ms later; each revision's instances join its own
 * target group and a shared one, with a 300 ms deregistration delay.
 */
class AwsProviderContractTest extends RoutedProviderContract {
  AwsFixture aws;

  /** @return the provider's mode: instances launched directly */
  AwsProvider.Builder mode() {
    return aws.provider();
  }

  /** @return a spec of {@code ami} for this mode */
  LaunchSpec spec(String ami) {
    return inTwoZones(AwsFixture.spec(ami));
  }

  @Override
  protected Provider createProvider() {
    aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(200), Duration.ofMillis(200),
        Duration.ofMillis(300));
    aws.fake.subnet("subnet-contract-a", "us-east-1a");
    aws.fake.subnet("subnet-contract-b", "us-east-1b");
    String shared = aws.fake.elb.createTargetGroup("contract");
    return mode().targetGroup(shared)
        .targetGroup(launchSpec().revision(), aws.fake.elb.createTargetGroup("contract-v1"))
        .targetGroup(otherLaunchSpec().revision(), aws.fake.elb.createTargetGroup("contract-v2"))
        .listener(aws.fake.elb.createListener("contract", shared))
        .deregistrationDelay(Duration.ofMillis(300)).build();
  }

  @Override
  protected LaunchSpec otherLaunchSpec() {
    return spec(AwsFixture.AMI_V2);
  }

  @Override
  protected LaunchSpec launchSpec() {
    return spec(AwsFixture.AMI_V1);
  }

  /** Launches spread over a subnet in each of {@link #placementZones()}. */
  private static LaunchSpec inTwoZones(LaunchSpec spec) {
    return spec.toBuilder().option("aws.subnetIds", "subnet-contract-a,subnet-contract-b")
        .build();
  }

  /** The zones of the spec's two subnets: a zoned launch goes to that zone's subnet. */
  @Override
  protected java.util.List<String> placementZones() {
    return java.util.List.of("us-east-1a", "us-east-1b");
  }

  @Override
  protected Duration healthDeadline() {
    return Duration.ofSeconds(10);
  }

  /** Its checks fail: EC2 reports it impaired and its targets unhealthy. */
  @Override
  protected void failHealth(String fleet, Instance instance) {
    aws.fake.impair(instance.id());
  }

  @Override
  protected void restoreHealth(String fleet, Instance instance) {
    aws.fake.recover(instance.id());
  }

  /** An instance tagged with the fleet's name but not Molt's manager tag. */
  @Override
  protected String createForeignInstance(String fleet) {
    return aws.fake.startInstance(AwsFixture.AMI_V1, Map.of("molt.dev/fleet", fleet,
        "Name", "someone-elses"));
  }

  @Override
  protected boolean exists(String instanceId) {
    return aws.fake.alive(instanceId);
  }

  /** Terminates it in the fake directly, as an operator would: the provider refuses to. */
  @Override
  protected void removeForeignInstance(String instanceId) {
    aws.fake.terminateDirectly(instanceId);
  }

  /** Fails if the kit left any instance alive (the fake outlives nothing, but a real account would). */
  @Override
  protected void cleanUp(Provider tested) {
    try {
      assertThat(aws.fake.liveIds()).as("instances the test left").isEmpty();
    } finally {
      aws.close();
    }
  }
}
