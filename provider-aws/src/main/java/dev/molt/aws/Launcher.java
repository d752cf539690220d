package dev.molt.aws;

import dev.molt.Instance;
import dev.molt.spi.LaunchRequest;
import java.util.List;

/**
 * How the AWS provider makes and destroys instances: {@link Ec2Launcher} (RunInstances and
 * TerminateInstances directly) or {@link GroupLauncher} (one Auto Scaling group per revision).
 * Everything else (observe from EC2, health and drain through the target groups, the listener
 * router, taint) is the provider's own and the same in both modes.
 */
interface Launcher {
  /** @return what {@link dev.molt.spi.Provider#launch} returns, validated before any call */
  List<Instance> launch(LaunchRequest request);

  /**
   * Destroys instances the provider has already checked (owned by the fleet, alive, not serving).
   *
   * @param owned the EC2 instances, as described just before
   */
  void terminate(String fleet, List<software.amazon.awssdk.services.ec2.model.Instance> owned);

  /**
   * The owned live instances observe reports, out of those EC2 lists; the launcher may also tidy
   * up here (an Auto Scaling group whose revision has no instance left is deleted).
   *
   * @return the default: all of them
   */
  default List<software.amazon.awssdk.services.ec2.model.Instance> observed(String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    return owned;
  }
}
