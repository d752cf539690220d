package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Splits become one weighted forward action on the listener, over the revisions' groups. */
class ListenerRouterTest {
  private final AwsFixture aws = AwsFixture.instant();
  private final String shared = aws.fake.elb.createTargetGroup("web");
  private final String groupV1 = aws.fake.elb.createTargetGroup("web-v1");
  private final String groupV2 = aws.fake.elb.createTargetGroup("web-v2");
  private final String listener = aws.fake.elb.createListener("web", shared);
  private final Revision v1 = AwsFixture.spec(AwsFixture.AMI_V1).revision();
  private final Revision v2 = AwsFixture.spec(AwsFixture.AMI_V2).revision();
  private final TrafficRouter router = aws.provider().targetGroup(shared)
      .targetGroup(v1, groupV1).targetGroup(v2, groupV2).listener(listener).build().router()
      .orElseThrow();

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void aSplitIsOneModifyListenerWithAWeightedForwardAndAnEmptySplitForwardsToTheSharedGroup() {
    router.setWeights("web", Map.of(v1, 90, v2, 10));

    assertThat(aws.fake.calls("ModifyListener")).isEqualTo(1);
    assertThat(aws.fake.elb.forward(listener)).as("every group stays in use, at 0 if idle")
        .isEqualTo(Map.of(groupV1, 90, groupV2, 10, shared, 0));
    assertThat(router.weights("web")).isEqualTo(Map.of(v1, 90, v2, 10));

    router.setWeights("web", Map.of(v1, 100));
    assertThat(aws.fake.elb.forward(listener)).isEqualTo(Map.of(groupV1, 100, groupV2, 0,
        shared, 0));

    router.setWeights("web", Map.of());
    assertThat(aws.fake.elb.forward(listener)).isEqualTo(Map.of(shared, 1, groupV1, 0,
        groupV2, 0));
    assertThat(router.weights("web")).isEmpty();
  }

  @Test
  void attachingPutsTheMissingGroupsInAtWeightZeroAndLeavesTrafficAsItWas() {
    ListenerRouter listenerRouter = (ListenerRouter) router;

    assertThat(listenerRouter.attachAll("health", "web")).isTrue();
    assertThat(aws.fake.elb.forward(listener)).isEqualTo(Map.of(shared, 1, groupV1, 0,
        groupV2, 0));
    assertThat(router.weights("web")).isEmpty();
    assertThat(listenerRouter.attachAll("health", "web")).as("nothing missing").isFalse();
    assertThat(aws.fake.calls("ModifyListener")).isEqualTo(1);
  }

  @Test
  void moreGroupsThanOneForwardActionTakesAreRefusedAtBuild() {
    AwsProvider.Builder b = aws.provider().targetGroup(shared).listener(listener);
    for (int n = 1; n <= ListenerRouter.MAX_GROUPS; n++) {
      b.targetGroup(AwsFixture.spec(AwsFixture.AMI_V1).toBuilder().env("N", "" + n).build()
          .revision(), aws.fake.elb.createTargetGroup("web-" + n));
    }

    assertThatThrownBy(b::build).isInstanceOf(dev.molt.InvalidSpecException.class)
        .hasMessageContaining("allows 5");
  }

  @Test
  void aRevisionWithoutItsOwnGroupIsRefusedAndChangesNothing() {
    router.setWeights("web", Map.of(v1, 100));
    LaunchSpec v3 = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder().env("V", "3").build();

    assertThatThrownBy(() -> router.setWeights("web", Map.of(v1, 50, v3.revision(), 50)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(v3.revision().id()).contains("no target group");
        });
    assertThat(aws.fake.calls("ModifyListener")).isEqualTo(1);
    assertThat(aws.fake.elb.forward(listener)).isEqualTo(Map.of(groupV1, 100, groupV2, 0,
        shared, 0));
  }

  @Test
  void eachSplitIsReadBackAndOneElbv2DoesNotDescribeAsSetIsAFailedStepInItsWords() {
    router.setWeights("web", Map.of(v1, 90, v2, 10));
    assertThat(aws.fake.calls("DescribeListeners")).as("read back once").isEqualTo(1);

    aws.fake.elb.loseNextModification();
    assertThatThrownBy(() -> router.setWeights("web", Map.of(v1, 50, v2, 50)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("ELBv2 accepted the split but now describes")
              .contains(groupV1 + " weight 90").contains(groupV2 + " weight 10")
              .contains(groupV1 + " weight 50");
        });
    assertThat(router.weights("web")).as("what serves").isEqualTo(Map.of(v1, 90, v2, 10));
  }

  @Test
  void aRouterNeedsTheSharedGroup() {
    assertThatThrownBy(() -> aws.provider().targetGroup(v1, groupV1).listener(listener).build())
        .isInstanceOf(dev.molt.InvalidSpecException.class).hasMessageContaining("shared");
  }
}
