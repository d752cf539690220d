package dev.molt.aws;

import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Health;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real engine rolls out on the AWS provider in the Auto Scaling mode, in real time, against the
 * fake EC2 + ELBv2 + EC2 Auto Scaling (instances pend 150 ms and pass checks 150 ms later; the
 * target groups drain for 400 ms while the provider is told 200 ms): each revision is one group,
 * the strategies drive its desired capacity, and the listener's weights are read back after each
 * split.
 */
class AutoScalingRolloutTest {
  private static final String FLEET = "web";
  private final AwsFixture aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(150),
      Duration.ofMillis(150), Duration.ofMillis(400));
  private final String shared = aws.fake.elb.createTargetGroup("web");
  private final String groupV1 = aws.fake.elb.createTargetGroup("web-v1");
  private final String groupV2 = aws.fake.elb.createTargetGroup("web-v2");
  private final String listener = aws.fake.elb.createListener("web", shared);
  private final LaunchSpec v1 = AwsFixture.groupSpec(AwsFixture.AMI_V1);
  private final LaunchSpec v2 = AwsFixture.groupSpec(AwsFixture.AMI_V2);
  private final String asgV1 = GroupLauncher.name(FLEET, v1.revision().id());
  private final String asgV2 = GroupLauncher.name(FLEET, v2.revision().id());
  private final AwsProvider provider = aws.autoScalingProvider().targetGroup(shared)
      .targetGroup(v1.revision(), groupV1).targetGroup(v2.revision(), groupV2).listener(listener)
      .deregistrationDelay(Duration.ofMillis(200)).build();
  private final RolloutEngine engine =
      RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100)).build();
  private final RollingUpdate limits = RollingUpdate.of(Amount.of(1), Amount.of(0))
      .withHealthyDeadline(Duration.ofSeconds(20));

  @AfterEach
  void close() {
    engine.close();
    aws.close();
  }

  private RolloutSpec onV1(int capacity) {
    return RolloutSpec.builder(FLEET).capacity(capacity).target(v1).strategy(limits)
        .drainTimeout(Duration.ofSeconds(10)).progressDeadline(Duration.ofSeconds(60)).build();
  }

  @Test
  void aCanaryShiftsTheListenerTo75Over25ThenTo0Over100ReadBackAndEndsOnV2sGroupAlone() {
    Revision r1 = v1.revision();
    Revision r2 = v2.revision();
    RolloutSpec first = onV1(3);
    assertThat(engine.run(first).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(aws.fake.autoScaling.groupNames()).containsExactly(asgV1);
    assertThat(aws.fake.autoScaling.desired(asgV1)).isEqualTo(3);
    int readsBefore = aws.fake.calls("DescribeListeners");

    Rollout done = engine.run(first.toBuilder().target(v2)
        .strategy(Canary.of(setWeight(25)).withPromotion(limits)).build());

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .containsExactly("traffic: " + r1.id() + "=75% " + r2.id() + "=25%",
            "traffic: " + r1.id() + "=0% " + r2.id() + "=100%");
    assertThat(aws.fake.calls("DescribeListeners") - readsBefore)
        .as("each split read back from the listener").isGreaterThanOrEqualTo(2);
    assertThat(provider.router().orElseThrow().weights(FLEET)).as("weights as ELBv2 has them")
        .containsEntry(r2, 100).containsEntry(r1, 0);
    assertThat(aws.fake.elb.forward(listener)).containsEntry(groupV2, 100)
        .containsEntry(groupV1, 0);
    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(3).allSatisfy(i -> assertThat(i.revision()).isEqualTo(r2));
    assertThat(provider.health(FLEET, fleet)).hasSize(3)
        .allSatisfy((id, h) -> assertThat(h).isEqualTo(Health.HEALTHY));
    assertThat(aws.fake.autoScaling.groupNames()).as("v1's group deleted once empty")
        .containsExactly(asgV2);
    assertThat(aws.fake.autoScaling.members(asgV2)).containsExactlyInAnyOrderElementsOf(
        fleet.stream().map(Instance::id).toList());
    assertThat(aws.fake.autoScaling.launched(asgV2)).as("launched once each").isEqualTo(3);
    assertThat(aws.fake.elb.targets(groupV2)).containsExactlyInAnyOrderElementsOf(
        fleet.stream().map(Instance::id).toList());
    assertThat(aws.fake.elb.targets(groupV1)).isEmpty();
    synchronized (aws.fake) {
      assertThat(aws.fake.templates.names()).containsExactly(asgV2);
    }
  }

  @Test
  void aRollingUpdateReplacesEveryInstanceThroughTheGroupsAfterTheTargetGroupDrainedThem() {
    RolloutSpec first = onV1(4);
    assertThat(engine.run(first).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<String> v1Ids = provider.observe(FLEET).stream().map(Instance::id).toList();
    assertThat(v1Ids).hasSize(4).containsExactlyInAnyOrderElementsOf(
        aws.fake.autoScaling.members(asgV1));

    Rollout done = engine.run(first.withTarget(v2));

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(4).allSatisfy(i -> {
      assertThat(i.revision()).isEqualTo(v2.revision());
      assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
    });
    assertThat(v1Ids).noneMatch(aws.fake::alive);
    assertThat(aws.fake.calls("TerminateInstanceInAutoScalingGroup"))
        .as("Molt chose each victim").isEqualTo(4);
    assertThat(aws.fake.calls("TerminateInstances")).isZero();
    assertThat(aws.fake.terminatedWhileDraining()).as("terminated while ELBv2 drained them")
        .isEmpty();
    assertThat(aws.fake.autoScaling.groupNames()).containsExactly(asgV2);
    assertThat(aws.fake.autoScaling.desired(asgV2)).isEqualTo(4);
    assertThat(aws.fake.autoScaling.launched(asgV2)).as("no launch raised it twice")
        .isEqualTo(4);
    assertThat(aws.fake.elb.targets(shared)).as("v2 shares the even traffic")
        .containsExactlyInAnyOrderElementsOf(fleet.stream().map(Instance::id).toList());
  }
}
