package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.Rollout;
import dev.molt.RolloutPhase;
import dev.molt.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real engine rolls a fleet of 4 from v1 to v2 on the AWS provider, in real time, against the
 * fake EC2 + ELBv2 (instances pend 150 ms and pass target health 150 ms later; 200 ms
 * deregistration delay).
 */
class RollingUpdateTest {
  private static final String FLEET = "web";
  private final AwsFixture aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(150),
      Duration.ofMillis(150), Duration.ofMillis(200));
  private final String group = aws.fake.createTargetGroup("web");
  private final AwsProvider provider = aws.provider().targetGroup(group)
      .deregistrationDelay(Duration.ofMillis(200)).build();
  private final RolloutEngine engine = RolloutEngine.builder(provider)
      .pollInterval(Duration.ofMillis(100)).build();

  @AfterEach
  void close() {
    engine.close();
    aws.close();
  }

  @Test
  void rollingUpdateFromV1ToV2ReplacesEveryInstanceAndLeavesOnlyV2InTheTargetGroup() {
    LaunchSpec v1 = AwsFixture.spec(AwsFixture.AMI_V1);
    LaunchSpec v2 = AwsFixture.spec(AwsFixture.AMI_V2);
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
    assertThat(aws.fake.targets(group)).containsExactlyInAnyOrderElementsOf(
        fleet.stream().map(Instance::id).toList());
    assertThat(aws.fake.calls("DeregisterTargets")).as("v1 drained through the target group")
        .isPositive();
  }
}
