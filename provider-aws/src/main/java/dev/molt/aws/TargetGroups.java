package dev.molt.aws;

import dev.molt.ProviderException;
import dev.molt.spi.Health;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * The ELBv2 calls on one target group, batched: one call registers, deregisters or judges any
 * number of instances.
 */
final class TargetGroups {
  /** ELBv2's reason for a target it does not know. */
  static final String NOT_REGISTERED = "Target.NotRegistered";
  /** ELBv2's reason for a target of a group that no load balancer uses: it is not checked. */
  static final String NOT_IN_USE = "Target.NotInUse";

  private final ElasticLoadBalancingV2Client elb;

  TargetGroups(ElasticLoadBalancingV2Client elb) {
    this.elb = elb;
  }

  void register(String operation, String arn, List<String> ids) {
    if (!ids.isEmpty()) {
      AwsErrors.run(operation, arn, () -> elb.registerTargets(
          r -> r.targetGroupArn(arn).targets(targets(ids))));
    }
  }

  void deregister(String operation, String arn, List<String> ids) {
    if (!ids.isEmpty()) {
      AwsErrors.run(operation, arn, () -> elb.deregisterTargets(
          r -> r.targetGroupArn(arn).targets(targets(ids))));
    }
  }

  /**
   * Verdict of one target.
   *
   * @param health its health ({@code UNKNOWN} unless ELBv2 checked it)
   * @param registered false when ELBv2 says {@code Target.NotRegistered}
   * @param inUse false when ELBv2 says {@code Target.NotInUse}: no load balancer uses the group, so
   *     it does not check the target and the verdict says nothing
   * @param state ELBv2's state, as answered ({@code draining} included)
   */
  record Verdict(Health health, boolean registered, boolean inUse, String state) {
    boolean draining() {
      return "draining".equals(state);
    }
  }

  /**
   * Judges targets: {@code healthy} is healthy, {@code unhealthy} unhealthy, anything else
   * ({@code initial}, {@code draining}, {@code unused}, {@code unavailable}) not judged yet.
   * One DescribeTargetHealth call naming the instances.
   *
   * @return verdict by instance id, for every id ELBv2 answered about
   */
  Map<String, Verdict> health(String arn, List<String> ids) {
    Map<String, Verdict> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<TargetHealthDescription> answers = AwsErrors.call("health", arn,
        () -> elb.describeTargetHealth(r -> r.targetGroupArn(arn).targets(targets(ids))))
        .targetHealthDescriptions();
    for (TargetHealthDescription d : answers) {
      if (d.target() == null || d.targetHealth() == null) {
        continue;
      }
      String state = d.targetHealth().stateAsString();
      Health health = "healthy".equals(state) ? Health.HEALTHY
          : "unhealthy".equals(state) ? Health.UNHEALTHY : Health.UNKNOWN;
      String reason = d.targetHealth().reasonAsString();
      boolean unused = "unused".equals(state);
      out.put(d.target().id(), new Verdict(health, !(unused && NOT_REGISTERED.equals(reason)),
          !(unused && NOT_IN_USE.equals(reason)), state == null ? "" : state));
    }
    return out;
  }

  private static List<TargetDescription> targets(List<String> ids) {
    return ids.stream().map(id -> TargetDescription.builder().id(id).build()).toList();
  }

  static ProviderException missingClient() {
    return new ProviderException("configure", "target groups", false,
        "target groups are configured but no ELBv2 client was given");
  }
}
