package dev.molt.aws;

import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * The AWS {@link TrafficRouter}: an ELBv2 listener whose default action is a weighted forward over
 * the revisions' own target groups. A split is one ModifyListener call (ELBv2 applies the action
 * whole); an empty split forwards to the shared target group, which holds every revision's
 * instances. Reading the split is one DescribeListeners call.
 */
final class ListenerRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerRouter.class);

  private final ElasticLoadBalancingV2Client elb;
  private final String listenerArn;
  private final GroupMap groups;

  ListenerRouter(ElasticLoadBalancingV2Client elb, String listenerArn, GroupMap groups) {
    this.elb = elb;
    this.listenerArn = listenerArn;
    this.groups = groups;
  }

  @Override
  public void setWeights(String fleet, Map<Revision, Integer> weights) {
    TrafficRouter.checkSplit(fleet, weights);
    List<TargetGroupTuple> tuples = new ArrayList<>();
    if (weights.isEmpty()) {
      tuples.add(TargetGroupTuple.builder().targetGroupArn(groups.shared().orElseThrow())
          .weight(1).build());
    } else {
      for (Map.Entry<Revision, Integer> e : new TreeMap<>(weights).entrySet()) {
        String arn = groups.byRevision().get(e.getKey());
        if (arn == null) {
          throw refused(fleet, "revision " + e.getKey() + " has no target group of its own;"
              + " configure one with targetGroup(revision, arn)");
        }
        tuples.add(TargetGroupTuple.builder().targetGroupArn(arn).weight(e.getValue()).build());
      }
    }
    Action forward = Action.builder().type(ActionTypeEnum.FORWARD)
        .forwardConfig(ForwardActionConfig.builder().targetGroups(tuples).build()).build();
    AwsErrors.run("shift", fleet, () -> elb.modifyListener(
        r -> r.listenerArn(listenerArn).defaultActions(forward)));
    LOG.info("fleet={} action=shift listener={} weights={}", fleet, listenerArn, weights);
  }

  @Override
  public Map<Revision, Integer> weights(String fleet) {
    Map<String, Integer> forward = forward("weights", fleet);
    Map<Revision, Integer> out = new LinkedHashMap<>();
    forward.forEach((arn, weight) -> groups.revisionOf(arn).ifPresent(r -> out.put(r, weight)));
    return out;
  }

  /** @return the target groups the listener now sends traffic to (weight above 0) */
  List<String> servingGroups(String operation, String fleet) {
    return forward(operation, fleet).entrySet().stream().filter(e -> e.getValue() > 0)
        .map(Map.Entry::getKey).toList();
  }

  /** @return weight by target group ARN of the listener's forward action; empty if none */
  private Map<String, Integer> forward(String operation, String fleet) {
    List<Listener> listeners = AwsErrors.call(operation, fleet,
        () -> elb.describeListeners(r -> r.listenerArns(listenerArn))).listeners();
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Listener l : listeners) {
      for (Action a : l.defaultActions()) {
        if (a.type() != ActionTypeEnum.FORWARD) {
          continue;
        }
        if (a.forwardConfig() != null && !a.forwardConfig().targetGroups().isEmpty()) {
          a.forwardConfig().targetGroups().forEach(t -> out.put(t.targetGroupArn(),
              t.weight() == null ? 1 : t.weight()));
        } else if (a.targetGroupArn() != null) {
          out.put(a.targetGroupArn(), 1);
        }
      }
    }
    return out;
  }

  private ProviderException refused(String fleet, String why) {
    return new ProviderException("shift", fleet, false, why + "; the split in force is unchanged");
  }
}
