package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Auto Scaling mode against the fake EC2 + ELBv2 + EC2 Auto Scaling (instances run and pass
 * checks at once): the launch template's hardening on the wire, the group's protections, the
 * launch-key idempotency across failures, Molt choosing victims, ownership, deletion.
 */
class GroupLauncherTest {
  private static final String FLEET = "web";
  private final AwsFixture aws = AwsFixture.instant();
  private final String groupV1 = aws.fake.elb.createTargetGroup("web-v1");
  private final LaunchSpec v1 = AwsFixture.groupSpec(AwsFixture.AMI_V1);
  private final String asg = GroupLauncher.name(FLEET, v1.revision().id());
  private final AwsProvider provider = aws.autoScalingProvider()
      .targetGroup(v1.revision(), groupV1).paceRequests(false).build();

  @AfterEach
  void close() {
    aws.close();
  }

  private static LaunchRequest request(LaunchSpec spec, int count, String key) {
    return new LaunchRequest(FLEET, spec, count, "ro-1", key);
  }

  @Test
  void theGroupsInstancesCarryTheEc2ModesHardeningFromTheLaunchTemplate() {
    LaunchSpec spec = v1.toBuilder().env("GREETING", "hello")
        .option("aws.iamInstanceProfile", "web-role").build();
    provider.launch(request(spec, 1, "k"));

    String id = provider.observe(FLEET).get(0).id();
    Map<String, String> wire = aws.fake.runRequest(id);
    assertThat(wire).containsEntry("MetadataOptions.HttpTokens", "required")
        .containsEntry("MetadataOptions.HttpPutResponseHopLimit", "1")
        .containsEntry("MetadataOptions.HttpEndpoint", "enabled")
        .containsEntry("BlockDeviceMapping.1.DeviceName", "/dev/xvda")
        .containsEntry("BlockDeviceMapping.1.Ebs.Encrypted", "true")
        .containsEntry("IamInstanceProfile.Name", "web-role")
        .containsEntry("ImageId", AwsFixture.AMI_V1);
    assertThat(aws.fake.userData(id)).isPresent();
    assertThat(aws.fake.tags(id)).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(OwnerLabels.FLEET, FLEET).containsEntry(OwnerLabels.ROLLOUT, "ro-1")
        .containsEntry(GroupLauncher.GROUP_TAG, GroupLauncher.name(FLEET, spec.revision().id()));
  }

  @Test
  void theHardeningOptOutsApplyToTheTemplateAsInTheEc2Mode() {
    provider.launch(request(v1.toBuilder().option("aws.imdsv2", "false")
        .option("aws.metadataHopLimit", "2").option("aws.encryptedRootVolume", "false").build(),
        1, "k"));

    Map<String, String> wire = aws.fake.runRequest(provider.observe(FLEET).get(0).id());
    assertThat(wire).containsEntry("MetadataOptions.HttpTokens", "optional")
        .containsEntry("MetadataOptions.HttpPutResponseHopLimit", "2")
        .doesNotContainKey("BlockDeviceMapping.1.Ebs.Encrypted");
  }

  @Test
  void theGroupProtectsNewInstancesSuspendsItsOwnVictimChoiceAndCarriesTheOwnerTags() {
    provider.launch(request(v1, 2, "k"));

    assertThat(aws.fake.autoScaling.groupNames()).containsExactly(asg);
    assertThat(aws.fake.autoScaling.suspended(asg))
        .containsExactlyInAnyOrder("AZRebalance", "ReplaceUnhealthy");
    assertThat(aws.fake.autoScaling.tags(asg)).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(OwnerLabels.FLEET, FLEET)
        .containsEntry(OwnerLabels.REVISION, v1.revision().id());
    assertThat(provider.observe(FLEET)).hasSize(2);

    String bare = aws.fake.autoScaling.members(asg).get(0);
    aws.fake.autoScaling.unprotect(asg, bare); // a console user lifted it
    provider.observe(FLEET);
    assertThat(aws.fake.calls("SetInstanceProtection")).isEqualTo(1);
    aws.fake.autoScaling.unprotect(asg, "none"); // no-op: the next observe finds all protected
    provider.observe(FLEET);
    assertThat(aws.fake.calls("SetInstanceProtection")).as("protected again").isEqualTo(1);
  }

  @Test
  void aLaunchRepeatedWithItsKeyRaisesTheDesiredCapacityOnce() {
    provider.launch(request(v1, 2, "first"));
    provider.launch(request(v1, 1, "second"));
    provider.launch(request(v1, 1, "second"));
    provider.launch(request(v1, 2, "first"));

    assertThat(aws.fake.autoScaling.desired(asg)).isEqualTo(3);
    assertThat(provider.observe(FLEET)).hasSize(3);
    assertThat(aws.fake.autoScaling.launched(asg)).isEqualTo(3);
  }

  /**
   * The key is written before the raise: a raise that failed (Auto Scaling busy, which is
   * retryable) is made by the retry, once.
   */
  @Test
  void aLaunchRetriedAfterItsRaiseFailedRaisesOnceAndAnotherRetryNotAgain() {
    provider.launch(request(v1, 2, "first"));
    aws.fake.failNext("UpdateAutoScalingGroup", 400, "ScalingActivityInProgress", 1);

    assertThatThrownBy(() -> provider.launch(request(v1, 1, "second")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(aws.fake.autoScaling.desired(asg)).isEqualTo(2);
    provider.launch(request(v1, 1, "second"));
    provider.launch(request(v1, 1, "second"));

    assertThat(aws.fake.autoScaling.desired(asg)).isEqualTo(3);
    assertThat(LaunchKeys.parse(Optional.of(aws.fake.autoScaling.tags(asg)
        .get(LaunchKeys.TAG))).entries()).extracting(LaunchKeys.Entry::toString)
        .containsExactly(LaunchKeys.keyOf(request(v1, 2, "first")) + ":0>2",
            LaunchKeys.keyOf(request(v1, 1, "second")) + ":2>3");
  }

  @Test
  void aLaunchRetriedAfterItsKeyCouldNotBeWrittenRaisesOnce() {
    provider.launch(request(v1, 2, "first"));
    aws.fake.failNext("CreateOrUpdateTags", 400, "ResourceContention", 1);

    assertThatThrownBy(() -> provider.launch(request(v1, 1, "second")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
    provider.launch(request(v1, 1, "second"));

    assertThat(aws.fake.autoScaling.desired(asg)).isEqualTo(3);
  }

  @Test
  void terminateRemovesExactlyTheChosenInstancesAndTheGroupReplacesNone() {
    provider.launch(request(v1, 3, "k"));
    List<Instance> fleet = provider.observe(FLEET);
    Instance chosen = fleet.get(1);

    provider.drain(FLEET, List.of(chosen));
    provider.terminate(FLEET, List.of(chosen));
    provider.terminate(FLEET, List.of(chosen)); // twice is no error

    assertThat(provider.observe(FLEET)).extracting(Instance::id)
        .containsExactlyInAnyOrder(fleet.get(0).id(), fleet.get(2).id());
    assertThat(aws.fake.alive(chosen.id())).isFalse();
    assertThat(aws.fake.autoScaling.desired(asg)).isEqualTo(2);
    assertThat(aws.fake.autoScaling.launched(asg)).as("nothing replaced it").isEqualTo(3);
    assertThat(aws.fake.calls("DeregisterTargets")).as("drained through the target group")
        .isEqualTo(1);
  }

  @Test
  void theGroupAndItsTemplateAreDeletedOnceTheRevisionHasNoInstanceAndABusyGroupWaits() {
    provider.launch(request(v1, 1, "k"));
    List<Instance> fleet = provider.observe(FLEET);
    provider.drain(FLEET, fleet);
    provider.terminate(FLEET, fleet);
    aws.fake.failNext("DeleteAutoScalingGroup", 400, "ScalingActivityInProgress", 1);

    assertThat(provider.observe(FLEET)).as("a busy group is no failure of observe").isEmpty();
    assertThat(aws.fake.autoScaling.groupNames()).containsExactly(asg);
    assertThat(provider.observe(FLEET)).isEmpty();

    assertThat(aws.fake.autoScaling.groupNames()).isEmpty();
    synchronized (aws.fake) {
      assertThat(aws.fake.templates.names()).isEmpty();
    }
    assertThat(aws.fake.calls("DeleteAutoScalingGroup")).isEqualTo(2);
  }

  @Test
  void aGroupOfTheSameNameMoltDidNotCreateIsNeverTouched() {
    aws.fake.autoScaling.createForeignGroup(asg, Map.of("team", "payments"));

    assertThatThrownBy(() -> provider.launch(request(v1, 1, "k")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(asg).contains("did not create");
        });
    assertThat(aws.fake.calls("UpdateAutoScalingGroup")).isZero();
    assertThat(aws.fake.calls("CreateOrUpdateTags")).isZero();
    provider.observe(FLEET);
    assertThat(aws.fake.autoScaling.groupNames()).as("not deleted either").containsExactly(asg);
  }

  @Test
  void anInstanceOfAForeignGroupIsRefusedBeforeAnyIsTerminated() {
    provider.launch(request(v1, 1, "k"));
    Instance ours = provider.observe(FLEET).get(0);
    aws.fake.autoScaling.createForeignGroup("theirs", Map.of("team", "payments"));
    String forged = aws.fake.startInstance(AwsFixture.AMI_V1, Map.of(OwnerLabels.MANAGED_BY,
        "molt", OwnerLabels.FLEET, FLEET, OwnerLabels.REVISION, v1.revision().id(),
        GroupLauncher.GROUP_TAG, "theirs"));
    Instance theirs = new Instance(forged, FLEET, v1.revision(), Optional.empty(),
        ours.state(), ours.launchedAt(), ours.stateSince(), Optional.empty(), Map.of());

    assertThatThrownBy(() -> provider.terminate(FLEET, List.of(ours, theirs)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(forged).contains("theirs");
        });
    assertThat(aws.fake.alive(ours.id())).isTrue();
    assertThat(aws.fake.calls("TerminateInstanceInAutoScalingGroup")).isZero();
  }

  @Test
  void aSpecWithoutSubnetsIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> provider.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "k")))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("aws.subnetIds");
    assertThat(aws.fake.calls("CreateLaunchTemplate")).isZero();
    assertThat(aws.fake.calls("DescribeAutoScalingGroups")).isZero();
  }

  @Test
  void aZoneAskedForIsNotHonouredTheGroupSpreadsOverItsSubnets() {
    aws.fake.subnet("subnet-a", "us-east-1a");
    aws.fake.subnet("subnet-b", "us-east-1b");
    provider.launch(request(v1, 4, "k").inZone("us-east-1a"));

    assertThat(provider.observe(FLEET)).extracting(i -> i.labels().get(OwnerLabels.ZONE))
        .containsOnly("us-east-1a", "us-east-1b").contains("us-east-1b");
  }

  @Test
  void launchKeysKeepTheNewestEntriesThatFitATagValue() {
    LaunchKeys keys = new LaunchKeys(List.of());
    for (int i = 0; i < 30; i++) {
      keys = keys.with(new LaunchKeys.Entry(String.format("%012x", i), i * 100, i * 100 + 100));
    }
    assertThat(keys.value().length()).isLessThanOrEqualTo(LaunchKeys.MAX_VALUE);
    assertThat(keys.entries()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(keys.find(String.format("%012x", 29))).isPresent();
    assertThat(LaunchKeys.parse(Optional.of(keys.value()))).isEqualTo(keys);
    assertThat(LaunchKeys.parse(Optional.of("junk a:b>c"))).isEqualTo(new LaunchKeys(List.of()));
  }
}
