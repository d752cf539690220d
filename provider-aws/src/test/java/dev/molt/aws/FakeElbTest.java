package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealth;

/**
 * The stub answers target health as ELBv2 documents it ({@code TargetHealth}), through the SDK:
 * only groups a listener forwards to are health-checked, and draining lasts the group's own
 * deregistration delay.
 */
class FakeElbTest {
  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-12-01T00:00:00Z"));
  private final AwsFixture aws = new AwsFixture(time.clock(), Duration.ofSeconds(30),
      Duration.ofSeconds(20), Duration.ofSeconds(60));

  @AfterEach
  void close() {
    aws.close();
  }

  private TargetHealth health(String group, String id) {
    return aws.elb.describeTargetHealth(r -> r.targetGroupArn(group)
        .targets(TargetDescription.builder().id(id).build()))
        .targetHealthDescriptions().get(0).targetHealth();
  }

  private void register(String group, String id) {
    aws.elb.registerTargets(r -> r.targetGroupArn(group)
        .targets(TargetDescription.builder().id(id).build()));
  }

  @Test
  void aTargetOfAGroupNoListenerForwardsToIsUnusedNotInUseUntilOneDoesEvenAtWeightZero() {
    String served = aws.fake.elb.createTargetGroup("served");
    String lonely = aws.fake.elb.createTargetGroup("lonely");
    String listener = aws.fake.elb.createListener("web", served);
    String id = aws.fake.startInstance(AwsFixture.AMI_V1, Map.of());
    time.advance(Duration.ofSeconds(30));
    register(served, id);
    register(lonely, id);
    time.advance(Duration.ofSeconds(20));

    assertThat(health(served, id).stateAsString()).isEqualTo("healthy");
    TargetHealth unused = health(lonely, id);
    assertThat(unused.stateAsString()).isEqualTo("unused");
    assertThat(unused.reasonAsString()).isEqualTo("Target.NotInUse");

    aws.fake.elb.setForward(listener, Map.of(served, 1, lonely, 0));
    assertThat(health(lonely, id).stateAsString()).as("checks start once the group is used")
        .isEqualTo("initial");
    time.advance(Duration.ofSeconds(20));
    assertThat(health(lonely, id).stateAsString()).isEqualTo("healthy");

    aws.fake.elb.setForward(listener, Map.of(served, 1));
    assertThat(health(lonely, id).reasonAsString()).isEqualTo("Target.NotInUse");
  }

  @Test
  void aDeregisteredTargetDrainsForItsGroupsDeregistrationDelayThenIsNotRegistered() {
    String slow = aws.fake.elb.createTargetGroup("slow", Duration.ofSeconds(300));
    aws.fake.elb.createListener("web", slow);
    String id = aws.fake.startInstance(AwsFixture.AMI_V1, Map.of());
    time.advance(Duration.ofSeconds(30));
    register(slow, id);

    aws.elb.deregisterTargets(r -> r.targetGroupArn(slow)
        .targets(TargetDescription.builder().id(id).build()));
    time.advance(Duration.ofSeconds(299));
    TargetHealth draining = health(slow, id);
    assertThat(draining.stateAsString()).isEqualTo("draining");
    assertThat(draining.reasonAsString()).isEqualTo("Target.DeregistrationInProgress");
    time.advance(Duration.ofSeconds(1));
    TargetHealth gone = health(slow, id);
    assertThat(gone.stateAsString()).isEqualTo("unused");
    assertThat(gone.reasonAsString()).isEqualTo("Target.NotRegistered");
  }
}
