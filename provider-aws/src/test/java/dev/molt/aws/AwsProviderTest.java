package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.time.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider's mapping onto EC2 and ELBv2, through the SDK, against the fake. */
class AwsProviderTest {
  private static final String FLEET = "web";
  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-30T00:00:00Z"));
  private final AwsFixture aws = new AwsFixture(time.clock(), Duration.ofSeconds(30),
      Duration.ofSeconds(20), Duration.ofSeconds(60));
  private final String group = aws.fake.elb.createTargetGroup("web");
  /** The load balancer's listener, forwarding to the group: ELBv2 checks only groups in use. */
  private final String balancer = aws.fake.elb.createListener("balancer", group);

  @AfterEach
  void close() {
    aws.close();
  }

  private AwsProvider provider() {
    return aws.provider().targetGroup(group).deregistrationDelay(Duration.ofSeconds(60))
        .clock(time.clock()).build();
  }

  private static LaunchRequest request(LaunchSpec spec, int count, String key) {
    return new LaunchRequest(FLEET, spec, count, "ro-1", key);
  }

  @Test
  void launchTagsInstancesWithOwnerLabelsAndObserveMapsThemBack() {
    AwsProvider aws = provider();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1);
    List<Instance> launched = aws.launch(request(spec, 2, "k1"));

    assertThat(launched).hasSize(2).allSatisfy(i -> {
      assertThat(i.state()).isEqualTo(InstanceState.LAUNCHING);
      assertThat(i.labels()).containsAllEntriesOf(OwnerLabels.of(FLEET, spec.revision(), "ro-1"));
    });
    Map<String, String> tags = this.aws.fake.tags(launched.get(0).id());
    assertThat(tags).containsAllEntriesOf(OwnerLabels.of(FLEET, spec.revision(), "ro-1"))
        .containsEntry("Name", "molt-web-" + spec.revision())
        .containsEntry(Ec2Tags.PORT, "8080");

    assertThat(this.aws.fake.elb.targets(group)).as("ELBv2 registers no pending instance")
        .isEmpty();
    time.advance(Duration.ofSeconds(30));
    List<Instance> seen = aws.observe(FLEET);
    assertThat(seen).extracting(Instance::id)
        .containsExactlyInAnyOrderElementsOf(launched.stream().map(Instance::id).toList());
    assertThat(seen).allSatisfy(i -> {
      assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
      assertThat(i.revision()).isEqualTo(spec.revision());
      assertThat(i.address()).hasValueSatisfying(a -> assertThat(a).matches("10\\.0\\.\\d+\\.\\d+:8080"));
      assertThat(i.launchedAt()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    });
    aws.health(FLEET, seen);
    assertThat(this.aws.fake.elb.targets(group)).as("registered once running, by health")
        .containsExactlyInAnyOrderElementsOf(launched.stream().map(Instance::id).toList());
  }

  @Test
  void everyInstanceCarriesTheZoneEc2PlacedItIn() {
    AwsProvider aws = provider();
    this.aws.fake.subnet("subnet-b", "us-east-1b");
    LaunchSpec inB = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.subnetId", "subnet-b").build();
    Instance b = aws.launch(request(inB, 1, "b")).get(0);
    Instance a = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "a")).get(0);

    assertThat(b.labels()).as("as launched").containsEntry(Ec2Tags.ZONE, "us-east-1b");
    assertThat(aws.observe(FLEET)).extracting(i -> i.id() + "@" + i.labels().get(Ec2Tags.ZONE))
        .containsExactlyInAnyOrder(b.id() + "@us-east-1b", a.id() + "@us-east-1a");
    assertThat(this.aws.fake.tags(b.id())).as("a label, not a tag").doesNotContainKey(Ec2Tags.ZONE);
  }

  @Test
  void launchesSpreadOverTheSubnetsZonesAndAFullZoneIsRetriedInTheNextOnce() {
    AwsProvider aws = provider();
    Map.of("subnet-a", "us-east-1a", "subnet-b", "us-east-1b", "subnet-c", "us-east-1c")
        .forEach(this.aws.fake::subnet);
    LaunchSpec spread = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.subnetIds", "subnet-a,subnet-b,subnet-c").build();
    Set<String> zones = new java.util.TreeSet<>();
    for (int n = 0; n < 6; n++) {
      zones.add(aws.launch(request(spread, 1, "batch-" + n)).get(0).labels().get(Ec2Tags.ZONE));
    }
    assertThat(zones).as("batches spread over the zones").hasSizeGreaterThan(1);

    this.aws.fake.noCapacityIn("subnet-a");
    this.aws.fake.noCapacityIn("subnet-b");
    List<Instance> placed = aws.launch(request(spread, 2, "full"));
    int runs = this.aws.fake.calls("RunInstances");
    this.aws.fake.recoverCapacity();
    List<Instance> again = aws.launch(request(spread, 2, "full"));

    assertThat(placed).hasSize(2)
        .allSatisfy(i -> assertThat(i.labels()).containsEntry(Ec2Tags.ZONE, "us-east-1c"));
    assertThat(ids(again)).as("a retry launches nothing more, wherever it starts")
        .containsExactlyInAnyOrderElementsOf(ids(placed));
    assertThat(this.aws.fake.calls("RunInstances")).isEqualTo(runs);
    this.aws.fake.noCapacityIn("subnet-a");
    this.aws.fake.noCapacityIn("subnet-b");
    this.aws.fake.noCapacityIn("subnet-c");
    assertThatThrownBy(() -> aws.launch(request(spread, 1, "nowhere")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("InsufficientInstanceCapacity")
              .contains("subnet-a").contains("subnet-b").contains("subnet-c");
        });
  }

  @Test
  void theEnvironmentBecomesUserDataAndNoEnvironmentNone() {
    AwsProvider aws = provider();
    LaunchSpec withEnv = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .env("GREETING", "it's \"fine\"").env("PORT", "8080").build();
    String withId = aws.launch(request(withEnv, 1, "env")).get(0).id();
    String withoutId = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "no-env"))
        .get(0).id();

    String script = new String(Base64.getDecoder().decode(this.aws.fake.userData(withId)
        .orElseThrow()), StandardCharsets.UTF_8);
    assertThat(script).startsWith("#!/bin/sh\n").contains(UserData.PATH)
        .contains(UserData.quote("GREETING=" + UserData.quote("it's \"fine\"")))
        .contains(UserData.quote("PORT=" + UserData.quote("8080")));
    assertThat(this.aws.fake.userData(withoutId)).isEmpty();
  }

  @Test
  void theSameRequestKeyReturnsTheFirstInstancesAndAnotherKeyLaunchesMore() {
    AwsProvider aws = provider();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1);
    List<String> first = ids(aws.launch(request(spec, 2, "key-a")));
    List<String> again = ids(aws.launch(request(spec, 2, "key-a")));
    List<String> other = ids(aws.launch(request(spec, 1, "key-b")));

    assertThat(again).containsExactlyInAnyOrderElementsOf(first);
    assertThat(other).hasSize(1).doesNotContainAnyElementsOf(first);
    assertThat(this.aws.fake.launchedCount()).isEqualTo(3);
    assertThat(ClientTokens.of(request(spec, 2, "key-a")))
        .isEqualTo(ClientTokens.of(request(spec, 5, "key-a")))
        .isNotEqualTo(ClientTokens.of(request(spec, 2, "key-b")))
        .isNotEqualTo(ClientTokens.of(new LaunchRequest("other", spec, 2, "ro-1", "key-a")))
        .hasSizeLessThanOrEqualTo(64).matches("[\\x21-\\x7e]+");
  }

  @Test
  void aReusedKeyWithOtherParametersIsRefusedNonRetryably() {
    AwsProvider aws = provider();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1);
    aws.launch(request(spec, 2, "key-a"));

    assertThatThrownBy(() -> aws.launch(request(spec, 3, "key-a")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("IdempotentParameterMismatch");
        });
    assertThat(this.aws.fake.launchedCount()).isEqualTo(2);
  }

  @Test
  void aNonAmiImageOrSecretsOrAnUnknownOptionAreRefusedBeforeAnyCall() {
    AwsProvider aws = provider();
    LaunchSpec container = LaunchSpec.builder(Image.of("registry.example/web@sha256:"
        + "a".repeat(64), "v1")).ports(80).healthCheck(dev.molt.HealthCheck.tcp(80)).build();
    LaunchSpec secrets = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .secret("DB_PASSWORD", "vault:db/password").build();
    LaunchSpec typo = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.instancetype", "t3.large").build();

    assertThatThrownBy(() -> aws.launch(request(container, 1, "c")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("image.reference");
          assertThat(e.getMessage()).contains("not an AMI id");
        });
    assertThatThrownBy(() -> aws.launch(request(secrets, 1, "s")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("secrets"));
    assertThatThrownBy(() -> aws.launch(request(typo, 1, "t")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.getMessage()).contains("aws.instanceType"));
    assertThat(this.aws.fake.calls("RunInstances")).isZero();
  }

  @Test
  void launchOptionsReachRunInstances() {
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.instanceType", "c7g.large").option("aws.subnetId", "subnet-1")
        .option("aws.securityGroupIds", "sg-1, sg-2").option("aws.keyName", "ops")
        .option("aws.iamInstanceProfile", "arn:aws:iam::123456789012:instance-profile/web")
        .option("docker.memory", "256m").build();

    var run = provider().runRequest(request(spec, 1, "o"));

    assertThat(run.instanceTypeAsString()).isEqualTo("c7g.large");
    assertThat(run.subnetId()).isEqualTo("subnet-1");
    assertThat(run.securityGroupIds()).containsExactly("sg-1", "sg-2");
    assertThat(run.keyName()).isEqualTo("ops");
    assertThat(run.iamInstanceProfile().arn())
        .isEqualTo("arn:aws:iam::123456789012:instance-profile/web");
    assertThat(provider().runRequest(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "d"))
        .instanceTypeAsString()).isEqualTo(Ec2LaunchOptions.DEFAULT_INSTANCE_TYPE);
  }

  @Test
  void runInstancesCarriesImdsv2OnlyWithOneHopAndAnEncryptedRootVolumeOnTheWire() {
    AwsProvider aws = provider();
    this.aws.fake.rootDevice(AwsFixture.AMI_V1, "/dev/sda1");
    String id = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "h1")).get(0).id();
    aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "h2"));

    assertThat(this.aws.fake.runRequest(id))
        .containsEntry("MetadataOptions.HttpTokens", "required")
        .containsEntry("MetadataOptions.HttpPutResponseHopLimit", "1")
        .containsEntry("MetadataOptions.HttpEndpoint", "enabled")
        .containsEntry("BlockDeviceMapping.1.DeviceName", "/dev/sda1")
        .containsEntry("BlockDeviceMapping.1.Ebs.Encrypted", "true")
        .doesNotContainKey("BlockDeviceMapping.2.DeviceName");
    assertThat(this.aws.fake.calls("DescribeImages")).as("the AMI's root device, asked once")
        .isEqualTo(1);
  }

  @Test
  void eachHardeningHasAnExplicitOptOutAndBadValuesAreRefusedBeforeAnyCall() {
    AwsProvider aws = provider();
    LaunchSpec loose = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder().option("aws.imdsv2", "false")
        .option("aws.metadataHopLimit", "2").option("aws.encryptedRootVolume", "false").build();
    LaunchSpec ownKey = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.kmsKeyId", "alias/web").option("aws.rootDeviceName", "/dev/xvdb").build();

    Map<String, String> looseWire =
        this.aws.fake.runRequest(aws.launch(request(loose, 1, "l")).get(0).id());
    Map<String, String> keyWire =
        this.aws.fake.runRequest(aws.launch(request(ownKey, 1, "k")).get(0).id());

    assertThat(looseWire).containsEntry("MetadataOptions.HttpTokens", "optional")
        .containsEntry("MetadataOptions.HttpPutResponseHopLimit", "2")
        .doesNotContainKey("BlockDeviceMapping.1.DeviceName");
    assertThat(keyWire).containsEntry("BlockDeviceMapping.1.DeviceName", "/dev/xvdb")
        .containsEntry("BlockDeviceMapping.1.Ebs.Encrypted", "true")
        .containsEntry("BlockDeviceMapping.1.Ebs.KmsKeyId", "alias/web");
    assertThat(this.aws.fake.calls("DescribeImages")).isZero();
    for (Map.Entry<String, String> bad : Map.of("aws.imdsv2", "no", "aws.metadataHopLimit", "0",
        "aws.encryptedRootVolume", "maybe").entrySet()) {
      LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
          .option(bad.getKey(), bad.getValue()).build();
      assertThatThrownBy(() -> aws.launch(request(spec, 1, "bad")))
          .isInstanceOfSatisfying(InvalidSpecException.class,
              e -> assertThat(e.field()).isEqualTo("options[" + bad.getKey() + "]"));
    }
    assertThat(this.aws.fake.calls("RunInstances")).isEqualTo(2);
  }

  @Test
  void secretsAreReferencesTheInstanceFetchesAtBootNeverValuesInUserData() {
    AwsProvider aws = provider();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.iamInstanceProfile", "web")
        .secret("DB_PASSWORD", "ssm:/web/db-password")
        .secret("API_TOKEN", "secretsmanager:web/api-token").build();
    String id = aws.launch(request(spec, 1, "s")).get(0).id();

    String script = new String(Base64.getDecoder().decode(this.aws.fake.userData(id)
        .orElseThrow()), StandardCharsets.UTF_8);
    assertThat(script)
        .contains("aws ssm get-parameter --with-decryption --name '/web/db-password'")
        .contains("aws secretsmanager get-secret-value --secret-id 'web/api-token'")
        .contains("export AWS_DEFAULT_REGION='us-east-1'")
        .contains("molt_secret DB_PASSWORD").contains("molt_secret API_TOKEN");
    LaunchSpec noRole = spec.toBuilder().option("aws.iamInstanceProfile", "").build();
    LaunchSpec vault = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .option("aws.iamInstanceProfile", "web").secret("DB", "vault:db/password").build();
    assertThatThrownBy(() -> aws.launch(request(noRole, 1, "r")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("secrets");
          assertThat(e.getMessage()).contains("aws.iamInstanceProfile");
        });
    assertThatThrownBy(() -> aws.launch(request(vault, 1, "v")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("secrets[DB]");
          assertThat(e.getMessage()).doesNotContain("db/password");
        });
    assertThat(this.aws.fake.calls("RunInstances")).isEqualTo(1);
  }

  @Test
  void drainDeregistersAndTheInstanceIsDrainingForTheDelayThenDrained() {
    AwsProvider aws = provider();
    Instance one = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "d")).get(0);
    time.advance(Duration.ofSeconds(30));
    aws.health(FLEET, aws.observe(FLEET)); // registers it
    assertThat(this.aws.fake.elb.targets(group)).containsExactly(one.id());

    aws.drain(FLEET, List.of(one));
    assertThat(this.aws.fake.elb.targets(group)).isEmpty();
    assertThat(aws.observe(FLEET)).singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.DRAINING));
    time.advance(Duration.ofSeconds(59));
    aws.drain(FLEET, List.of(one)); // again: the drain keeps its start
    assertThat(aws.observe(FLEET)).singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.DRAINING));
    time.advance(Duration.ofSeconds(1));
    assertThat(aws.observe(FLEET)).singleElement().satisfies(i -> {
      assertThat(i.state()).isEqualTo(InstanceState.DRAINED);
      assertThat(i.stateSince()).isEqualTo(Instant.parse("2026-11-30T00:00:30Z"));
    });
  }

  /** Issue 18 item 9: a 300 s group delay outlasts a provider told 3 s; ELBv2 has the say. */
  @Test
  void anInstanceIsDrainingForAsLongAsElbv2ReportsItDrainingWhateverTheConfiguredDelay() {
    String slow = this.aws.fake.elb.createTargetGroup("slow", Duration.ofSeconds(300));
    this.aws.fake.elb.createListener("slow", slow);
    AwsProvider aws = this.aws.provider().targetGroup(slow)
        .deregistrationDelay(Duration.ofSeconds(3)).clock(time.clock()).build();
    Instance one = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "d")).get(0);
    time.advance(Duration.ofSeconds(30));
    aws.health(FLEET, aws.observe(FLEET));
    assertThat(this.aws.fake.elb.targets(slow)).containsExactly(one.id());

    aws.drain(FLEET, List.of(one));
    time.advance(Duration.ofMillis(3140));
    assertThat(aws.observe(FLEET)).singleElement().as("ELBv2 still drains it")
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.DRAINING));
    time.advance(Duration.ofSeconds(296));
    assertThat(aws.observe(FLEET)).singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.DRAINING));
    time.advance(Duration.ofSeconds(1));
    assertThat(aws.observe(FLEET)).singleElement().satisfies(i -> {
      assertThat(i.state()).isEqualTo(InstanceState.DRAINED);
      assertThat(i.stateSince()).isEqualTo(Instant.parse("2026-11-30T00:00:30Z"));
    });
  }

  @Test
  void withoutATargetGroupADrainedInstanceIsDrainedAtOnce() {
    AwsProvider aws = this.aws.provider().clock(time.clock()).build();
    Instance one = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "d")).get(0);
    time.advance(Duration.ofSeconds(30));

    aws.drain(FLEET, List.of(one));

    assertThat(aws.observe(FLEET)).singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.DRAINED));
    assertThat(this.aws.fake.calls("DeregisterTargets")).isZero();
  }

  @Test
  void targetHealthJudgesAndReRegistersARunningInstanceTheGroupLost() {
    AwsProvider aws = provider();
    List<Instance> two = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 2, "h"));
    time.advance(Duration.ofSeconds(30));
    assertThat(aws.health(FLEET, aws.observe(FLEET))).as("registered, checks pending")
        .containsValues(Health.UNKNOWN).doesNotContainValue(Health.HEALTHY);

    this.aws.elb.deregisterTargets(r -> r.targetGroupArn(group).targets(
        software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription.builder()
            .id(two.get(0).id()).build()));
    time.advance(Duration.ofSeconds(60));
    this.aws.fake.impair(two.get(1).id());
    Map<String, Health> verdicts = aws.health(FLEET, aws.observe(FLEET));

    assertThat(verdicts).containsEntry(two.get(0).id(), Health.UNKNOWN)
        .containsEntry(two.get(1).id(), Health.UNHEALTHY);
    assertThat(this.aws.fake.elb.targets(group)).as("registered again").contains(two.get(0).id());
    time.advance(Duration.ofSeconds(20));
    assertThat(aws.health(FLEET, aws.observe(FLEET))).containsEntry(two.get(0).id(),
        Health.HEALTHY);
  }

  @Test
  void aHeldInstanceStaysOutOfTheSharedGroupWhileTheListenerForwardsThereAndJoinsUnderASplit() {
    LaunchSpec v1 = AwsFixture.spec(AwsFixture.AMI_V1);
    LaunchSpec v2 = AwsFixture.spec(AwsFixture.AMI_V2);
    String ownV1 = this.aws.fake.elb.createTargetGroup("web-v1");
    String ownV2 = this.aws.fake.elb.createTargetGroup("web-v2");
    AwsProvider aws = this.aws.provider().targetGroup(group).targetGroup(v1.revision(), ownV1)
        .targetGroup(v2.revision(), ownV2).listener(this.aws.fake.elb.createListener("web", group))
        .deregistrationDelay(Duration.ofSeconds(60)).clock(time.clock()).build();
    List<Instance> stable = aws.launch(request(v1, 2, "stable"));
    List<Instance> canary = aws.launch(new LaunchRequest(FLEET, v2, 1, "ro-2", "canary", true));
    time.advance(Duration.ofSeconds(30));

    aws.health(FLEET, aws.observe(FLEET));

    String canaryId = canary.get(0).id();
    assertThat(this.aws.fake.elb.targets(ownV2)).containsExactly(canaryId);
    assertThat(this.aws.fake.elb.targets(group)).as("the shared group gets even traffic: no canary")
        .containsExactlyInAnyOrderElementsOf(stable.stream().map(Instance::id).toList());

    aws.router().orElseThrow().setWeights(FLEET, Map.of(v1.revision(), 90, v2.revision(), 10));
    aws.health(FLEET, aws.observe(FLEET));

    assertThat(this.aws.fake.elb.targets(group)).as("under a split it joins, ready for an even"
        + " split later").contains(canaryId);
  }

  @Test
  void withoutATargetGroupHealthIsEc2StatusChecksBatchedBy100() {
    AwsProvider aws = this.aws.provider().clock(time.clock()).build();
    aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 250, "s"));
    time.advance(Duration.ofSeconds(30));
    List<Instance> running = aws.observe(FLEET);
    assertThat(aws.health(FLEET, running)).hasSize(250).containsOnlyKeys(ids(running))
        .doesNotContainValue(Health.HEALTHY);
    this.aws.fake.impair(running.get(0).id());
    time.advance(Duration.ofSeconds(20));

    int before = this.aws.fake.calls("DescribeInstanceStatus");
    Map<String, Health> verdicts = aws.health(FLEET, running);

    assertThat(this.aws.fake.calls("DescribeInstanceStatus") - before).isEqualTo(3);
    assertThat(verdicts.get(running.get(0).id())).isEqualTo(Health.UNHEALTHY);
    assertThat(verdicts.values().stream().filter(h -> h == Health.HEALTHY)).hasSize(249);
  }

  @Test
  void observeIsOneCallPerThousandInstancesAndSeesOnlyTheFleet() {
    AwsProvider aws = provider();
    aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 2500, "big"));
    time.advance(Duration.ofSeconds(2)); // RunInstances' bucket refills (launch pacing)
    aws.launch(new LaunchRequest("other", AwsFixture.spec(AwsFixture.AMI_V1), 3, "ro-1", "o"));
    this.aws.fake.startInstance(AwsFixture.AMI_V1, Map.of(OwnerLabels.FLEET, FLEET));

    int before = this.aws.fake.calls("DescribeInstances");
    List<Instance> seen = aws.observe(FLEET);

    assertThat(this.aws.fake.calls("DescribeInstances") - before).isEqualTo(3);
    assertThat(seen).hasSize(2500).allSatisfy(i -> assertThat(i.fleet()).isEqualTo(FLEET));
    assertThat(Set.copyOf(ids(seen))).hasSize(2500);
  }

  @Test
  void terminateRefusesAForeignInstanceAndTouchesNothing() {
    AwsProvider aws = provider();
    Instance owned = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "t")).get(0);
    String foreign = this.aws.fake.startInstance(AwsFixture.AMI_V1,
        Map.of(OwnerLabels.FLEET, FLEET, OwnerLabels.REVISION, owned.revision().id()));
    String otherFleet = aws.launch(new LaunchRequest("other", AwsFixture.spec(AwsFixture.AMI_V1),
        1, "ro-1", "o")).get(0).id();
    Instance forged = withId(owned, foreign);
    Instance stolen = withId(owned, otherFleet);

    for (Instance refused : List.of(forged, stolen)) {
      assertThatThrownBy(() -> aws.terminate(FLEET, List.of(owned, refused)))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(refused.id());
          });
      assertThatThrownBy(() -> aws.drain(FLEET, List.of(owned, refused)))
          .isInstanceOf(ProviderException.class);
      assertThatThrownBy(() -> aws.taint(FLEET, refused, "break-glass"))
          .isInstanceOf(ProviderException.class);
    }
    assertThat(this.aws.fake.calls("TerminateInstances")).isZero();
    assertThat(this.aws.fake.calls("DeregisterTargets")).isZero();
    assertThat(this.aws.fake.calls("CreateTags")).isZero();
    assertThat(List.of(owned.id(), foreign, otherFleet)).allMatch(this.aws.fake::alive);
  }

  @Test
  void launchesArePacedUnderEc2sRunInstancesBucketBeforeEc2HasToThrottle() {
    AwsProvider aws = provider();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1);
    aws.launch(request(spec, 1000, "all-of-it"));

    assertThatThrownBy(() -> aws.launch(request(spec, 1, "one")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("paced by Molt").contains("RunInstances")
              .contains("500 ms");
        });
    assertThat(this.aws.fake.calls("RunInstances")).as("EC2 never saw it").isEqualTo(1);
    time.advance(Duration.ofMillis(500));
    assertThat(aws.launch(request(spec, 1, "one"))).hasSize(1);
  }

  @Test
  void describeCallsArePacedUnderEc2sBucketAndPacingCanBeTurnedOff() {
    AwsProvider aws = provider();
    for (int n = 0; n < 100; n++) {
      aws.observe("quiet");
    }

    assertThatThrownBy(() -> aws.observe("quiet"))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("Describe*").contains("50 ms");
        });
    assertThat(this.aws.fake.calls("DescribeInstances")).isEqualTo(100);
    time.advance(Duration.ofMillis(50));
    assertThat(aws.observe("quiet")).isEmpty();

    AwsProvider unpaced = this.aws.provider().paceRequests(false).clock(time.clock()).build();
    for (int n = 0; n < 150; n++) {
      unpaced.observe("quiet");
    }
    assertThat(this.aws.fake.calls("DescribeInstances")).isEqualTo(251);
  }

  @Test
  void terminateSkipsInstancesAlreadyGone() {
    AwsProvider aws = provider();
    List<Instance> two = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 2, "g"));
    aws.terminate(FLEET, two.subList(0, 1));

    aws.terminate(FLEET, List.of(two.get(0), two.get(1), withId(two.get(0), "i-0000000000000dead")));

    assertThat(two).noneMatch(i -> this.aws.fake.alive(i.id()));
    assertThat(aws.observe(FLEET)).isEmpty();
  }

  @Test
  void taintTagsTheInstanceAndObserveShowsIt() {
    AwsProvider aws = provider();
    Instance one = aws.launch(request(AwsFixture.spec(AwsFixture.AMI_V1), 1, "x")).get(0);

    aws.taint(FLEET, one, "break-glass login by alice " + "x".repeat(300));

    assertThat(aws.observe(FLEET)).singleElement().satisfies(i -> assertThat(i.taint())
        .hasValueSatisfying(r -> assertThat(r).startsWith("break-glass login by alice")
            .hasSize(Ec2Tags.MAX_VALUE)));
  }

  private static Instance withId(Instance model, String id) {
    return new Instance(id, model.fleet(), model.revision(), model.address(), model.state(),
        model.launchedAt(), model.stateSince(), model.healthySince(), model.labels());
  }

  private static List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).collect(Collectors.toList());
  }
}
