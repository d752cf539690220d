package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real engine rolls a fleet of 4 from v1 to v2 on the AWS provider, in real time, against the
 * fake EC2 + ELBv2 (+ EC2 Auto Scaling): instances pend 150 ms and pass target health 150 ms later;
 * 200 ms deregistration delay.
 */
class RollingUpdateTest {
  private static final String FLEET = "web";
  private final AwsFixture aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(150),
      Duration.ofMillis(150), Duration.ofMillis(200));
  /** ELBv2 drains for 800 ms, longer than the 200 ms the provider is told: ELBv2 has the say. */
  private final String group = aws.fake.elb.createTargetGroup("web", Duration.ofMillis(800));
  /** The load balancer's listener: it forwards to the shared group, as the user set it up. */
  private final String listener = aws.fake.elb.createListener("web", group);
  private AwsProvider provider;
  private RolloutEngine engine;

  @AfterEach
  void close() {
    engine.close();
    aws.close();
  }

  @ParameterizedTest(name = "with the listener router: {0}, auto scaling mode: {1}")
  @CsvSource({"false, false", "true, false", "true, true"})
  void rollingUpdateFromV1ToV2ReplacesEveryInstanceAndLeavesOnlyV2InTheTargetGroup(
      boolean routed, boolean autoScaling) {
    LaunchSpec v1 = autoScaling ? AwsFixture.groupSpec(AwsFixture.AMI_V1)
        : AwsFixture.spec(AwsFixture.AMI_V1);
    LaunchSpec v2 = autoScaling ? AwsFixture.groupSpec(AwsFixture.AMI_V2)
        : AwsFixture.spec(AwsFixture.AMI_V2);
    AwsProvider.Builder b = (autoScaling ? aws.autoScalingProvider() : aws.provider())
        .targetGroup(group).deregistrationDelay(Duration.ofMillis(200));
    if (routed) { // the shared group serves a rolling update; terminate checks it for traffic
      b.targetGroup(v1.revision(), aws.fake.elb.createTargetGroup("web-v1"))
          .targetGroup(v2.revision(), aws.fake.elb.createTargetGroup("web-v2"))
          .listener(listener);
    }
    provider = b.build();
    engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100)).build();
    RolloutSpec onV1 = RolloutSpec.builder(FLEET).capacity(4).target(v1)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withHealthyDeadline(Duration.ofSeconds(20)))
        .drainTimeout(Duration.ofSeconds(10)).progressDeadline(Duration.ofSeconds(60)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<String> v1Ids = provider.observe(FLEET).stream().map(Instance::id).toList();
    assertThat(v1Ids).hasSize(4);

    Rollout done = engine.run(onV1.withTarget(v2));

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    List<Instance> fleet = provider.observe(FLEET);
    assertThat(fleet).hasSize(4).allSatisfy(i -> {
      assertThat(i.revision()).isEqualTo(v2.revision());
      assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
    });
    assertThat(v1Ids).noneMatch(aws.fake::alive);
    assertThat(aws.fake.elb.targets(group)).as("v2 shares the even traffic")
        .containsExactlyInAnyOrderElementsOf(fleet.stream().map(Instance::id).toList());
    assertThat(aws.fake.calls("DeregisterTargets")).as("v1 drained through the target group")
        .isPositive();
    assertThat(aws.fake.terminatedWhileDraining()).as("terminated while ELBv2 drained them")
        .isEmpty();
    if (autoScaling) {
      String asgV2 = GroupLauncher.name(FLEET, v2.revision().id());
      assertThat(aws.fake.calls("TerminateInstanceInAutoScalingGroup"))
          .as("Molt chose each victim").isEqualTo(4);
      assertThat(aws.fake.calls("TerminateInstances")).isZero();
      assertThat(aws.fake.autoScaling.groupNames()).containsExactly(asgV2);
      assertThat(aws.fake.autoScaling.desired(asgV2)).isEqualTo(4);
      assertThat(aws.fake.autoScaling.launched(asgV2)).as("no launch raised it twice")
          .isEqualTo(4);
    }
  }
}
