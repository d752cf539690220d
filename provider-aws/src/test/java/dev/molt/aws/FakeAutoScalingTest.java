package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;

/**
 * The Auto Scaling stub answers as the EC2 Auto Scaling API reference documents, through the SDK,
 * on virtual time: its activity loop launches to the desired capacity after the activity delay,
 * registers running instances in the group's target groups, scales in unprotected instances only,
 * and its errors are Auto Scaling's.
 */
class FakeAutoScalingTest {
  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-12-01T00:00:00Z"));
  private final AwsFixture aws = new AwsFixture(time.clock(), Duration.ofSeconds(30),
      Duration.ofSeconds(20), Duration.ofSeconds(60));
  private final String targets = aws.fake.elb.createTargetGroup("web");

  @AfterEach
  void close() {
    aws.close();
  }

  private void createGroup(String name, int desired, boolean protect) {
    aws.ec2.createLaunchTemplate(r -> r.launchTemplateName(name)
        .launchTemplateData(d -> d.imageId(AwsFixture.AMI_V1).instanceType("t3.micro")));
    aws.autoScaling.createAutoScalingGroup(r -> r.autoScalingGroupName(name)
        .launchTemplate(t -> t.launchTemplateName(name).version("1")).minSize(0).maxSize(5)
        .desiredCapacity(desired).vpcZoneIdentifier("subnet-a").targetGroupARNs(targets)
        .newInstancesProtectedFromScaleIn(protect));
  }

  private AutoScalingGroup describe(String name) {
    return aws.autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
        .autoScalingGroups().get(0);
  }

  private static String code(Throwable e) {
    return ((AwsServiceException) e).awsErrorDetails().errorCode();
  }

  @Test
  void theActivityLoopLaunchesAfterItsDelayAndRegistersRunningInstances() {
    aws.fake.autoScaling.activityDelay(Duration.ofSeconds(10));
    createGroup("web-1", 2, true);
    assertThat(describe("web-1").instances()).isEmpty();
    assertThatThrownBy(() -> aws.autoScaling.deleteAutoScalingGroup(
        r -> r.autoScalingGroupName("web-1"))).satisfies(
            e -> assertThat(code(e)).isEqualTo("ScalingActivityInProgress"));

    time.advance(Duration.ofSeconds(10));
    AutoScalingGroup g = describe("web-1");
    assertThat(g.instances()).hasSize(2).allSatisfy(i -> {
      assertThat(i.lifecycleStateAsString()).isEqualTo("Pending");
      assertThat(i.protectedFromScaleIn()).isTrue();
    });
    assertThat(aws.fake.elb.targets(targets)).isEmpty();

    time.advance(Duration.ofSeconds(30));
    assertThat(describe("web-1").instances()).allSatisfy(
        i -> assertThat(i.lifecycleStateAsString()).isEqualTo("InService"));
    assertThat(aws.fake.elb.targets(targets)).hasSize(2);
  }

  @Test
  void scaleInTakesUnprotectedInstancesOnlyAndDeleteNeedsForceWhileInstancesRemain() {
    createGroup("web-1", 3, true);
    List<String> ids = describe("web-1").instances().stream().map(i -> i.instanceId()).toList();
    aws.autoScaling.setInstanceProtection(r -> r.autoScalingGroupName("web-1")
        .instanceIds(ids.get(1)).protectedFromScaleIn(false));

    aws.autoScaling.updateAutoScalingGroup(r -> r.autoScalingGroupName("web-1").desiredCapacity(1));
    assertThat(describe("web-1").instances()).extracting(i -> i.instanceId())
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    assertThat(aws.fake.alive(ids.get(1))).isFalse();

    assertThatThrownBy(() -> aws.autoScaling.deleteAutoScalingGroup(
        r -> r.autoScalingGroupName("web-1"))).satisfies(
            e -> assertThat(code(e)).isEqualTo("ResourceInUse"));
    aws.autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName("web-1").forceDelete(true));
    assertThat(aws.fake.autoScaling.groupNames()).isEmpty();
    assertThat(ids).noneMatch(aws.fake::alive);
  }

  @Test
  void terminateInGroupWithDecrementIsNotReplacedWithoutItIs() {
    createGroup("web-1", 2, true);
    List<String> ids = describe("web-1").instances().stream().map(i -> i.instanceId()).toList();

    aws.autoScaling.terminateInstanceInAutoScalingGroup(r -> r.instanceId(ids.get(0))
        .shouldDecrementDesiredCapacity(true));
    assertThat(describe("web-1").desiredCapacity()).isEqualTo(1);
    assertThat(describe("web-1").instances()).hasSize(1);
    aws.autoScaling.terminateInstanceInAutoScalingGroup(r -> r.instanceId(ids.get(1))
        .shouldDecrementDesiredCapacity(false));
    assertThat(describe("web-1").instances()).hasSize(1).noneMatch(i -> ids.contains(i.instanceId()));
    assertThatThrownBy(() -> aws.autoScaling.terminateInstanceInAutoScalingGroup(
        r -> r.instanceId(ids.get(0)).shouldDecrementDesiredCapacity(true))).satisfies(
            e -> assertThat(code(e)).isEqualTo("ValidationError"));
  }

  @Test
  void itsErrorsAreAutoScalingsOwn() {
    createGroup("web-1", 1, true);
    assertThatThrownBy(() -> aws.autoScaling.createAutoScalingGroup(r -> r
        .autoScalingGroupName("web-1").launchTemplate(t -> t.launchTemplateName("web-1"))
        .minSize(0).maxSize(1).vpcZoneIdentifier("subnet-a"))).satisfies(
            e -> assertThat(code(e)).isEqualTo("AlreadyExists"));
    assertThatThrownBy(() -> aws.autoScaling.updateAutoScalingGroup(
        r -> r.autoScalingGroupName("web-1").desiredCapacity(9))).satisfies(
            e -> assertThat(code(e)).isEqualTo("ValidationError"));
    assertThatThrownBy(() -> aws.autoScaling.updateAutoScalingGroup(
        r -> r.autoScalingGroupName("nope").desiredCapacity(1))).satisfies(
            e -> assertThat(code(e)).isEqualTo("ValidationError"));
    assertThatThrownBy(() -> aws.ec2.createLaunchTemplate(r -> r.launchTemplateName("web-1")
        .launchTemplateData(d -> d.imageId(AwsFixture.AMI_V1)))).satisfies(
            e -> assertThat(code(e)).isEqualTo(
                "InvalidLaunchTemplateName.AlreadyExistsException"));
    assertThat(aws.autoScaling.describeAutoScalingGroups(r -> r.filters(
        f -> f.name("tag:molt.dev/fleet").values("web"))).autoScalingGroups()).isEmpty();
  }
}
