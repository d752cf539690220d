package dev.molt.aws;

import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real engine runs a canary v1 → v2 with the listener router, in real time, against the stub
 * that health-checks only groups the listener forwards to (ELBv2's {@code Target.NotInUse}):
 * instances pend 150 ms and pass checks 150 ms later; 200 ms deregistration delay. In both modes:
 * instances launched directly, and one Auto Scaling group per revision.
 */
class CanaryTest {
  private static final String FLEET = "web";
  private final AwsFixture aws = new AwsFixture(Clock.systemUTC(), Duration.ofMillis(150),
      Duration.ofMillis(150), Duration.ofMillis(200));
  private final String shared = aws.fake.elb.createTargetGroup("web");
  private final String groupV1 = aws.fake.elb.createTargetGroup("web-v1");
  private final String groupV2 = aws.fake.elb.createTargetGroup("web-v2");
  private final String listener = aws.fake.elb.createListener("web", shared);
  private RolloutEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    aws.close();
  }

  @ParameterizedTest(name = "auto scaling mode: {0}")
  @ValueSource(booleans = {false, true})
  void aCanaryShiftsTheListenerTo75Over25ThenTo0Over100AndEndsOnV2(boolean autoScaling) {
    LaunchSpec v1 = autoScaling ? AwsFixture.groupSpec(AwsFixture.AMI_V1)
        : AwsFixture.spec(AwsFixture.AMI_V1);
    LaunchSpec v2 = autoScaling ? AwsFixture.groupSpec(AwsFixture.AMI_V2)
        : AwsFixture.spec(AwsFixture.AMI_V2);
    Revision r1 = v1.revision();
    Revision r2 = v2.revision();
    AwsProvider provider = (autoScaling ? aws.autoScalingProvider() : aws.provider())
        .targetGroup(shared).targetGroup(r1, groupV1).targetGroup(r2, groupV2).listener(listener)
        .deregistrationDelay(Duration.ofMillis(200)).build();
    engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(100)).build();
    RollingUpdate limits = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(20));
    RolloutSpec onV1 = RolloutSpec.builder(FLEET).capacity(3).target(v1).strategy(limits)
        .drainTimeout(Duration.ofSeconds(10)).progressDeadline(Duration.ofSeconds(60)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    int readsBefore = aws.fake.calls("DescribeListeners");

    Rollout done = engine.run(onV1.toBuilder().target(v2)
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
    List<String> ids = fleet.stream().map(Instance::id).toList();
    assertThat(fleet).hasSize(3).allSatisfy(i -> assertThat(i.revision()).isEqualTo(r2));
    assertThat(provider.health(FLEET, fleet)).hasSize(3)
        .allSatisfy((id, h) -> assertThat(h).isEqualTo(Health.HEALTHY));
    assertThat(aws.fake.elb.targets(groupV2)).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(aws.fake.elb.targets(groupV1)).isEmpty();
    if (autoScaling) {
      String asgV2 = GroupLauncher.name(FLEET, r2.id());
      assertThat(aws.fake.autoScaling.groupNames()).as("v1's group deleted once empty")
          .containsExactly(asgV2);
      assertThat(aws.fake.autoScaling.members(asgV2)).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(aws.fake.autoScaling.launched(asgV2)).as("launched once each").isEqualTo(3);
      synchronized (aws.fake) {
        assertThat(aws.fake.templates.names()).containsExactly(asgV2);
      }
    }
  }
}
