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
 * the fleet's target groups. A split is one ModifyListener call (ELBv2 applies the action whole),
 * then one DescribeListeners that reads the action back: a split ELBv2 does not describe as set is
 * a failed step, in ELBv2's words. Reading the split is one DescribeListeners call.
 *
 * <p>ELBv2 health-checks only the targets of groups a load balancer uses (a group nothing forwards
 * to reports its targets {@code unused}, {@code Target.NotInUse}), so the action always names
 * <em>every</em> configured group, each revision's own and the shared one: those without traffic
 * at weight 0. An empty split gives the shared group weight 1 (every instance an even share) and
 * the revisions' groups 0; a split gives each revision named its weight and every other group 0.
 * At most {@link #MAX_GROUPS} groups, ELBv2's limit per forward action.
 */
final class ListenerRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerRouter.class);
  /** ELBv2's quota of target groups in one forward action. */
  static final int MAX_GROUPS = 5;

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
    Map<String, Integer> byGroup = new LinkedHashMap<>();
    String shared = groups.shared().orElseThrow();
    byGroup.put(shared, weights.isEmpty() ? 1 : 0);
    for (Map.Entry<Revision, Integer> e : new TreeMap<>(weights).entrySet()) {
      String arn = groups.byRevision().get(e.getKey());
      if (arn == null) {
        throw refused(fleet, "revision " + e.getKey() + " has no target group of its own;"
            + " configure one with targetGroup(revision, arn)");
      }
      byGroup.put(arn, e.getValue());
    }
    // every other revision's group stays in the action at 0, so that ELBv2 keeps checking it
    new TreeMap<>(groups.byRevision()).values().forEach(arn -> byGroup.putIfAbsent(arn, 0));
    modify(fleet, byGroup);
    confirm(fleet, byGroup);
    LOG.info("fleet={} action=shift listener={} weights={}", fleet, listenerArn, weights);
  }

  /**
   * Reads the forward action back (one DescribeListeners) before the step counts as done: ELBv2
   * answered ModifyListener, but only the listener it describes now is what serves.
   *
   * @throws ProviderException non-retryable, with the action as ELBv2 describes it, when it is not
   *     the one just set (another writer, or a change ELBv2 did not keep)
   */
  private void confirm(String fleet, Map<String, Integer> wanted) {
    Map<String, Integer> actual = forward("shift", fleet);
    if (!actual.equals(wanted)) {
      throw new ProviderException("shift", fleet, false, "ELBv2 accepted the split but now"
          + " describes listener " + listenerArn + " forwarding " + describe(actual) + ", not the "
          + describe(wanted) + " just set; another writer may have changed it: check who else"
          + " modifies the listener, then retry the rollout");
    }
  }

  private static String describe(Map<String, Integer> forward) {
    if (forward.isEmpty()) {
      return "nothing (no forward action)";
    }
    StringBuilder out = new StringBuilder();
    forward.forEach((arn, weight) -> out.append(out.length() == 0 ? "" : ", ").append(arn)
        .append(" weight ").append(weight));
    return out.toString();
  }

  @Override
  public Map<Revision, Integer> weights(String fleet) {
    Map<String, Integer> forward = forward("weights", fleet);
    Map<Revision, Integer> out = new LinkedHashMap<>();
    if (groups.shared().map(s -> forward.getOrDefault(s, 0) > 0).orElse(false)) {
      return out; // the shared group serves: no split
    }
    forward.forEach((arn, weight) -> groups.revisionOf(arn).ifPresent(r -> out.put(r, weight)));
    return out;
  }

  /** @return the target groups the listener now sends traffic to (weight above 0) */
  List<String> servingGroups(String operation, String fleet) {
    return forward(operation, fleet).entrySet().stream().filter(e -> e.getValue() > 0)
        .map(Map.Entry::getKey).toList();
  }

  /**
   * Puts every configured group the listener's forward action lacks into it at weight 0, so that
   * ELBv2 health-checks their targets; the traffic split is unchanged. One DescribeListeners, and
   * one ModifyListener only when a group is missing. A listener whose default action is not a
   * forward is left alone.
   *
   * @return whether the action was changed
   */
  boolean attachAll(String operation, String fleet) {
    Map<String, Integer> forward = forward(operation, fleet);
    if (forward.isEmpty()) {
      LOG.warn("fleet={} listener={} has no forward action; its target groups stay unused until"
          + " the first split", fleet, listenerArn);
      return false;
    }
    List<String> missing = all().stream().filter(g -> !forward.containsKey(g)).toList();
    if (missing.isEmpty()) {
      return false;
    }
    Map<String, Integer> byGroup = new LinkedHashMap<>(forward);
    missing.forEach(g -> byGroup.put(g, 0));
    modify(fleet, byGroup);
    LOG.info("fleet={} action=attach listener={} targetGroups={} weight=0", fleet, listenerArn,
        missing);
    return true;
  }

  /** @return every group this router names: the shared one, then each revision's */
  private List<String> all() {
    List<String> out = new ArrayList<>();
    groups.shared().ifPresent(out::add);
    new TreeMap<>(groups.byRevision()).values().stream().filter(g -> !out.contains(g))
        .forEach(out::add);
    return out;
  }

  private void modify(String fleet, Map<String, Integer> byGroup) {
    List<TargetGroupTuple> tuples = new ArrayList<>();
    byGroup.forEach((arn, weight) -> tuples.add(TargetGroupTuple.builder().targetGroupArn(arn)
        .weight(weight).build()));
    Action forward = Action.builder().type(ActionTypeEnum.FORWARD)
        .forwardConfig(ForwardActionConfig.builder().targetGroups(tuples).build()).build();
    AwsErrors.run("shift", fleet, () -> elb.modifyListener(
        r -> r.listenerArn(listenerArn).defaultActions(forward)));
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
