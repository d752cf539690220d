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
 * The test kit's routed provider contract in the Auto Scaling mode, through the SDK's real
 * request marshalling, against the fake EC2 + ELBv2 + EC2 Auto Scaling: each revision one group
 * whose activity loop launches the instances (they pend 200 ms, then pass checks 200 ms later),
 * attached to the revision's target group and the shared one, with the listener router; 300 ms
 * deregistration delay. After each test, besides every instance, every group and launch template
 * the test made must be gone (the provider deletes a group once its revision has no instance).
 */
class AutoScalingContractTest extends RoutedProviderContract {
  private AwsFixture aws;

  @Override
  protected Provider createProvider() {
    aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(200), Duration.ofMillis(200),
        Duration.ofMillis(300));
    String shared = aws.fake.elb.createTargetGroup("contract");
    return aws.autoScalingProvider().targetGroup(shared)
        .targetGroup(launchSpec().revision(), aws.fake.elb.createTargetGroup("contract-v1"))
        .targetGroup(otherLaunchSpec().revision(), aws.fake.elb.createTargetGroup("contract-v2"))
        .listener(aws.fake.elb.createListener("contract", shared))
        .deregistrationDelay(Duration.ofMillis(300)).build();
  }

  @Override
  protected LaunchSpec launchSpec() {
    return AwsFixture.groupSpec(AwsFixture.AMI_V1);
  }

  @Override
  protected LaunchSpec otherLaunchSpec() {
    return AwsFixture.groupSpec(AwsFixture.AMI_V2);
  }

  @Override
  protected Duration healthDeadline() {
    return Duration.ofSeconds(10);
  }

  /** Its checks fail: EC2 reports it impaired and its targets unhealthy (the group, its
   * ReplaceUnhealthy process suspended, leaves it to Molt). */
  @Override
  protected void failHealth(String fleet, Instance instance) {
    aws.fake.impair(instance.id());
  }

  @Override
  protected void restoreHealth(String fleet, Instance instance) {
    aws.fake.recover(instance.id());
  }

  @Override
  protected String createForeignInstance(String fleet) {
    return aws.fake.startInstance(AwsFixture.AMI_V1, Map.of("molt.dev/fleet", fleet,
        "Name", "someone-elses"));
  }

  @Override
  protected boolean exists(String instanceId) {
    return aws.fake.alive(instanceId);
  }

  @Override
  protected void removeForeignInstance(String instanceId) {
    aws.fake.terminateDirectly(instanceId);
  }

  /** Fails if the kit left an instance, an Auto Scaling group or a launch template behind. */
  @Override
  protected void cleanUp(Provider tested) {
    try {
      assertThat(aws.fake.liveIds()).as("instances the test left").isEmpty();
      assertThat(aws.fake.autoScaling.groupNames()).as("groups the test left").isEmpty();
      synchronized (aws.fake) {
        assertThat(aws.fake.templates.names()).as("launch templates the test left").isEmpty();
      }
    } finally {
      aws.close();
    }
  }
}
