package dev.molt.aws;

import dev.molt.aws.FakeAws.Answer;
import dev.molt.aws.FakeAws.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ELBv2 half of {@link FakeAws}: target groups and listeners with a weighted forward action,
 * as ELBv2 documents them ({@code TargetHealth}). A load balancer health-checks only the targets of
 * groups it uses: a registered target of a group no listener forwards to (at any weight, 0
 * included) is {@code unused} with reason {@code Target.NotInUse}. In a used group a target is
 * {@code initial} until the instance runs, the group is in use and checks pass, then {@code
 * healthy}; a deregistered one is {@code draining} for its group's deregistration delay, then
 * {@code unused}/{@code Target.NotRegistered}. Runs under the fake's lock.
 */
final class FakeElb {
  static final String ELB_NS = FakeAws.ELB_NS;

  private final FakeAws fake;
  private final Duration deregistrationDelay;
  private final Map<String, Map<String, Instant>> registered = new LinkedHashMap<>();
  private final Map<String, Map<String, Instant>> draining = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> listeners = new LinkedHashMap<>();
  private final Map<String, Duration> delays = new LinkedHashMap<>();
  private int modificationsLost;
  /** Since when a listener forwards to each group in use; a group absent is not in use. */
  private final Map<String, Instant> inUseSince = new LinkedHashMap<>();

  FakeElb(FakeAws fake, Duration deregistrationDelay) {
    this.fake = fake;
    this.deregistrationDelay = deregistrationDelay;
  }

  /** Creates a target group with the fake's deregistration delay. @return its ARN */
  String createTargetGroup(String name) {
    return createTargetGroup(name, deregistrationDelay);
  }

  /**
   * Creates a target group the fake answers for, with its own deregistration delay (the target
   * group attribute {@code deregistration_delay.timeout_seconds}).
   *
   * @return its ARN
   */
  String createTargetGroup(String name, Duration delay) {
    synchronized (fake) {
      String arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name
          + "/" + Integer.toHexString(name.hashCode());
      registered.putIfAbsent(arn, new LinkedHashMap<>());
      draining.putIfAbsent(arn, new LinkedHashMap<>());
      delays.put(arn, delay);
      return arn;
    }
  }

  /** Creates a listener forwarding to {@code targetGroup}. @return its ARN */
  String createListener(String name, String targetGroup) {
    synchronized (fake) {
      String arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/" + name
          + "/50dc6c495c0c9188/" + Integer.toHexString(name.hashCode());
      listeners.put(arn, new LinkedHashMap<>(Map.of(targetGroup, 1)));
      used();
      return arn;
    }
  }

  /** @return weight by target group of the listener's forward action */
  Map<String, Integer> forward(String listenerArn) {
    synchronized (fake) {
      return Map.copyOf(listeners.get(listenerArn));
    }
  }

  /** @return the ids registered (not draining) in a target group */
  List<String> targets(String arn) {
    synchronized (fake) {
      return List.copyOf(registered.get(arn).keySet());
    }
  }

  /** Replaces a listener's forward action behind the provider's back (an operator's change). */
  void setForward(String listenerArn, Map<String, Integer> forward) {
    synchronized (fake) {
      listeners.put(listenerArn, new LinkedHashMap<>(forward));
      used();
    }
  }

  /**
   * Makes the next ModifyListener answer success with the action asked for, but keep the action
   * in force: as when another writer changes the listener right after.
   */
  void loseNextModification() {
    synchronized (fake) {
      modificationsLost++;
    }
  }

  /** Dates the groups that came into use; forgets those no listener forwards to any more. */
  private void used() {
    Instant now = fake.now();
    List<String> forwarded = listeners.values().stream().flatMap(f -> f.keySet().stream())
        .distinct().toList();
    inUseSince.keySet().retainAll(forwarded);
    forwarded.forEach(g -> inUseSince.putIfAbsent(g, now));
  }

  /** @return whether a group still reports the instance draining. Caller holds the lock. */
  boolean draining(String id, Instant now) {
    return draining.entrySet().stream().anyMatch(e -> e.getValue().containsKey(id)
        && now.isBefore(e.getValue().get(id).plus(delays.get(e.getKey()))));
  }

  /** Registers a running instance, as an Auto Scaling group does. Caller holds the lock. */
  void attach(String arn, String id) {
    if (registered.containsKey(arn)) {
      draining.get(arn).remove(id);
      registered.get(arn).putIfAbsent(id, fake.now());
    }
  }

  /** @return whether the target group exists. Caller holds the lock. */
  boolean exists(String arn) {
    return registered.containsKey(arn);
  }

  /** A terminated instance leaves every target group. Caller holds the lock. */
  void forget(String id) {
    registered.values().forEach(targets -> targets.remove(id));
  }

  Answer handle(String action, Map<String, String> p) {
    if (action.equals("ModifyListener") || action.equals("DescribeListeners")) {
      return listener(action, p);
    }
    String arn = p.getOrDefault("TargetGroupArn", "");
    if (!registered.containsKey(arn)) {
      throw new Refusal(400, "TargetGroupNotFound", "Target groups '" + arn + "' not found");
    }
    List<String> ids = idsOf(p);
    Instant now = fake.now();
    switch (action) {
      case "RegisterTargets" -> {
        for (String id : ids) {
          if (!fake.running(id)) { // as ELBv2: a pending instance cannot be registered
            throw new Refusal(400, "InvalidTarget", "The following targets are not in a running"
                + " state and cannot be registered: '" + id + "'");
          }
        }
        ids.forEach(id -> {
          draining.get(arn).remove(id);
          registered.get(arn).putIfAbsent(id, now);
        });
        return elbOk(action, "");
      }
      case "DeregisterTargets" -> {
        ids.forEach(id -> {
          if (registered.get(arn).remove(id) != null) {
            draining.get(arn).put(id, now);
          }
        });
        return elbOk(action, "");
      }
      case "DescribeTargetHealth" -> {
        List<String> asked = ids.isEmpty() ? List.copyOf(registered.get(arn).keySet()) : ids;
        StringBuilder x = new StringBuilder("<TargetHealthDescriptions>");
        for (String id : asked) {
          x.append("<member><Target><Id>").append(esc(id)).append("</Id><Port>80</Port></Target>")
              .append("<HealthCheckPort>80</HealthCheckPort><TargetHealth>")
              .append(targetHealth(arn, id, now)).append("</TargetHealth></member>");
        }
        return elbOk(action, x.append("</TargetHealthDescriptions>").toString());
      }
      default -> throw new Refusal(400, "InvalidAction", "the fake does not do " + action);
    }
  }

  private Answer listener(String action, Map<String, String> p) {
    String arn = action.equals("ModifyListener") ? p.getOrDefault("ListenerArn", "")
        : p.getOrDefault("ListenerArns.member.1", "");
    if (!listeners.containsKey(arn)) {
      throw new Refusal(400, "ListenerNotFound", "One or more listeners not found");
    }
    if (action.equals("ModifyListener")) {
      String prefix = "DefaultActions.member.1.";
      if (!"forward".equals(p.get(prefix + "Type"))) {
        throw new Refusal(400, "ValidationError", "the fake only forwards");
      }
      Map<String, Integer> forward = new LinkedHashMap<>();
      String tg = prefix + "ForwardConfig.TargetGroups.member.";
      for (int i = 1; p.containsKey(tg + i + ".TargetGroupArn"); i++) {
        String group = p.get(tg + i + ".TargetGroupArn");
        int weight = Integer.parseInt(p.getOrDefault(tg + i + ".Weight", "1"));
        if (!registered.containsKey(group)) {
          throw new Refusal(400, "TargetGroupNotFound", "Target groups '" + group + "' not found");
        }
        if (weight < 0 || weight > 999) {
          throw new Refusal(400, "ValidationError", "weight must be 0..999, was " + weight);
        }
        forward.put(group, weight);
      }
      if (p.containsKey(prefix + "TargetGroupArn")) {
        forward.put(p.get(prefix + "TargetGroupArn"), 1);
      }
      if (forward.isEmpty()) {
        throw new Refusal(400, "ValidationError", "a forward action needs a target group");
      }
      if (modificationsLost > 0) {
        modificationsLost--;
        return listenerXml(action, arn, forward);
      }
      listeners.put(arn, forward);
      used();
    }
    return listenerXml(action, arn, listeners.get(arn));
  }

  private Answer listenerXml(String action, String arn, Map<String, Integer> forward) {
    StringBuilder x = new StringBuilder("<Listeners><member><ListenerArn>").append(esc(arn))
        .append("</ListenerArn><Protocol>HTTP</Protocol><Port>80</Port><DefaultActions><member>")
        .append("<Type>forward</Type><ForwardConfig><TargetGroups>");
    forward.forEach((group, weight) -> x.append("<member><TargetGroupArn>")
        .append(esc(group)).append("</TargetGroupArn><Weight>").append(weight)
        .append("</Weight></member>"));
    x.append("</TargetGroups></ForwardConfig></member></DefaultActions></member></Listeners>");
    return elbOk(action, x.toString());
  }

  private static List<String> idsOf(Map<String, String> p) {
    List<String> out = new ArrayList<>();
    for (int i = 1; p.containsKey("Targets.member." + i + ".Id"); i++) {
      out.add(p.get("Targets.member." + i + ".Id"));
    }
    return out;
  }

  private String targetHealth(String arn, String id, Instant now) {
    Instant since = registered.get(arn).get(id);
    if (since != null) {
      Instant used = inUseSince.get(arn);
      if (used == null) { // ELBv2 health-checks only targets of groups a load balancer uses
        return "<State>unused</State><Reason>Target.NotInUse</Reason><Description>Target group is"
            + " not configured to receive traffic from the load balancer</Description>";
      }
      if (fake.impaired(id)) {
        return "<State>unhealthy</State><Reason>Target.FailedHealthChecks</Reason>";
      }
      Instant runs = fake.runsFrom(id).orElse(since);
      Instant checked = latest(latest(since, runs), used);
      Instant healthyAt = checked.plus(fake.checksAfter());
      return now.isBefore(healthyAt)
          ? "<State>initial</State><Reason>Elb.RegistrationInProgress</Reason>"
          : "<State>healthy</State>";
    }
    Instant left = draining.get(arn).get(id);
    if (left != null && now.isBefore(left.plus(delays.get(arn)))) {
      return "<State>draining</State><Reason>Target.DeregistrationInProgress</Reason>";
    }
    return "<State>unused</State><Reason>Target.NotRegistered</Reason>";
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Answer elbOk(String action, String result) {
    return new Answer(200, "<" + action + "Response xmlns=\"" + ELB_NS + "\"><" + action
        + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>req-1"
        + "</RequestId></ResponseMetadata></" + action + "Response>");
  }

  private static String esc(String s) {
    return FakeAws.esc(s);
  }
}
