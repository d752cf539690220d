package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;

/**
 * The test kit's routed provider contract in the Auto Scaling mode ({@link
 * AwsProviderContractTest}'s setting otherwise): each revision one group, whose activity loop in
 * the stub launches the instances, attached to the revision's own target group. After each test,
 * besides every instance, every group and launch template the test made must be gone (the provider
 * deletes a group once its revision has no instance). The stub impairs an instance for {@code
 * failHealth}; the group, its {@code ReplaceUnhealthy} process suspended, leaves it to Molt.
 */
class AutoScalingContractTest extends AwsProviderContractTest {
  @Override
  AwsProvider.Builder mode() {
    return aws.autoScalingProvider();
  }

  @Override
  LaunchSpec spec(String ami) {
    return AwsFixture.groupSpec(ami);
  }

  /** A group spreads over its subnets itself: this mode does not place by zone. */
  @Override
  protected java.util.List<String> placementZones() {
    return java.util.List.of();
  }

  /** Fails if the kit left an instance, an Auto Scaling group or a launch template behind. */
  @Override
  protected void cleanUp(Provider tested) {
    try {
      assertThat(aws.fake.autoScaling.groupNames()).as("groups the test left").isEmpty();
      synchronized (aws.fake) {
        assertThat(aws.fake.templates.names()).as("launch templates the test left").isEmpty();
      }
    } finally {
      super.cleanUp(tested);
    }
  }
}
