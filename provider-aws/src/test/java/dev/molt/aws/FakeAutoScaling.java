package dev.molt.aws;

import static dev.molt.aws.FakeAws.esc;

import dev.molt.aws.FakeAws.Answer;
import dev.molt.aws.FakeAws.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EC2 Auto Scaling in {@link FakeAws}, on its query protocol (version 2011-01-01), as the API
 * reference describes CreateAutoScalingGroup, UpdateAutoScalingGroup, DescribeAutoScalingGroups
 * (names, {@code tag:<key>} filters, MaxRecords up to 100 and NextToken), CreateOrUpdateTags,
 * SuspendProcesses, SetInstanceProtection, TerminateInstanceInAutoScalingGroup and
 * DeleteAutoScalingGroup ({@code ForceDelete}), with its errors: {@code AlreadyExists}, {@code
 * ValidationError}, {@code ResourceInUse}, {@code ScalingActivityInProgress}.
 *
 * <p>Each group has its own activity loop, run before every request on the fake's clock ({@link
 * #runActivities}): {@link #activityDelay} after its desired capacity changed it launches EC2
 * instances in the fake from its launch template ({@link FakeLaunchTemplates}) over its subnets
 * (tagged from the template, the group's propagated tags and {@code aws:autoscaling:groupName}),
 * and scales in unprotected instances only (oldest first); an instance {@code Pending} becomes
 * {@code InService} once EC2 runs it and is then registered in the group's target groups; an
 * instance terminated behind the group's back leaves it (and is replaced), and an impaired one is
 * replaced unless {@code ReplaceUnhealthy} is suspended. Runs under the fake's lock.
 */
final class FakeAutoScaling {
  private final FakeAws fake;
  private final Map<String, FakeGroup> groups = new LinkedHashMap<>();
  private Duration activityDelay = Duration.ZERO;
  private int activities;

  FakeAutoScaling(FakeAws fake) {
    this.fake = fake;
  }

  /** Makes each group act this long after its desired capacity changes (default at once). */
  void activityDelay(Duration delay) {
    synchronized (fake) {
      activityDelay = delay;
    }
  }

  /** @return the names of the groups that exist */
  List<String> groupNames() {
    synchronized (fake) {
      return List.copyOf(groups.keySet());
    }
  }

  /** @return a group's desired capacity */
  int desired(String group) {
    synchronized (fake) {
      return groups.get(group).desired;
    }
  }

  /** @return the ids of a group's members */
  List<String> members(String group) {
    synchronized (fake) {
      return groups.get(group).members.stream().map(m -> m.id).toList();
    }
  }

  /** @return how many instances the group ever launched */
  int launched(String group) {
    synchronized (fake) {
      return groups.get(group).launched;
    }
  }

  /** @return a group's tags */
  Map<String, String> tags(String group) {
    synchronized (fake) {
      Map<String, String> out = new LinkedHashMap<>();
      groups.get(group).tags.forEach((k, v) -> out.put(k, v.value()));
      return out;
    }
  }

  /** @return the processes suspended in a group */
  Set<String> suspended(String group) {
    synchronized (fake) {
      return Set.copyOf(groups.get(group).suspended);
    }
  }

  /** Creates a group nobody tagged for Molt, as another team would. */
  void createForeignGroup(String name, Map<String, String> tags) {
    synchronized (fake) {
      FakeGroup g = new FakeGroup(name, "theirs", "1", List.of("subnet-theirs"), List.of(), false,
          fake.now());
      tags.forEach((k, v) -> g.tags.put(k, new FakeGroup.GroupTag(v, true)));
      groups.put(name, g);
    }
  }

  /** Lifts a member's scale-in protection, as a console user could. */
  void unprotect(String group, String id) {
    synchronized (fake) {
      groups.get(group).members.stream().filter(m -> m.id.equals(id))
          .forEach(m -> m.protectedFromScaleIn = false);
    }
  }

  /** Every group's activity loop, on the fake's clock. Caller holds the fake's lock. */
  void runActivities() {
    Instant now = fake.now();
    for (FakeGroup g : groups.values()) {
      g.members.removeIf(m -> !fake.alive(m.id)); // terminated behind the group's back
      for (FakeGroup.Member m : g.members) {
        if (m.lifecycle.equals("Pending") && fake.running(m.id)) {
          m.lifecycle = "InService";
          g.targetGroups.forEach(arn -> fake.elb.attach(arn, m.id));
        }
      }
      if (!g.suspended.contains("ReplaceUnhealthy")) {
        g.members.stream().filter(m -> fake.impaired(m.id)).map(m -> m.id).toList()
            .forEach(id -> remove(g, id));
      }
      if (now.isBefore(g.activityDue)) {
        continue;
      }
      while (g.members.size() < g.desired) {
        String subnet = g.subnets.get(g.launched++ % g.subnets.size());
        Map<String, String> tags = new LinkedHashMap<>(instanceTags(g));
        tags.put("aws:autoscaling:groupName", g.name);
        String id = fake.launchForGroup(fake.templates.get(g.template).orElseThrow().data(),
            subnet, tags);
        g.members.add(new FakeGroup.Member(id, subnet, g.protectNew));
      }
      while (g.members.size() > g.desired) {
        FakeGroup.Member victim = g.members.stream().filter(m -> !m.protectedFromScaleIn).findFirst()
            .orElse(null);
        if (victim == null) {
          break; // every instance is protected from scale-in: the group waits
        }
        remove(g, victim.id);
      }
    }
  }

  private Map<String, String> instanceTags(FakeGroup g) {
    Map<String, String> data = fake.templates.get(g.template).orElseThrow().data();
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; data.containsKey("TagSpecification." + i + ".ResourceType"); i++) {
      if ("instance".equals(data.get("TagSpecification." + i + ".ResourceType"))) {
        out.putAll(FakeAws.tagList(data, "TagSpecification." + i + ".Tag"));
      }
    }
    g.tags.forEach((k, v) -> {
      if (v.propagate()) {
        out.put(k, v.value());
      }
    });
    return out;
  }

  private void remove(FakeGroup g, String id) {
    g.members.removeIf(m -> m.id.equals(id));
    fake.terminateForGroup(id);
  }

  Answer handle(String action, Map<String, String> p) {
    return switch (action) {
      case "CreateAutoScalingGroup" -> create(p);
      case "UpdateAutoScalingGroup" -> update(p);
      case "DescribeAutoScalingGroups" -> describe(p);
      case "CreateOrUpdateTags" -> tag(p);
      case "SuspendProcesses" -> suspend(p);
      case "SetInstanceProtection" -> protect(p);
      case "TerminateInstanceInAutoScalingGroup" -> terminate(p);
      case "DeleteAutoScalingGroup" -> delete(p);
      default -> throw new Refusal(400, "InvalidAction", "the fake does not do " + action);
    };
  }

  private Answer create(Map<String, String> p) {
    String name = p.getOrDefault("AutoScalingGroupName", "");
    if (groups.containsKey(name)) {
      throw new Refusal(400, "AlreadyExists", "AutoScalingGroup by this name already exists - A"
          + " group with the name " + name + " already exists");
    }
    String template = p.getOrDefault("LaunchTemplate.LaunchTemplateName", "");
    if (fake.templates.get(template).isEmpty()) {
      throw validation("You must use a valid fully-formed launch template. The specified launch"
          + " template, with template name " + template + ", does not exist.");
    }
    String zones = p.getOrDefault("VPCZoneIdentifier", "");
    if (zones.isBlank()) {
      throw validation("At least one Availability Zone or VPC Subnet is required.");
    }
    List<String> targets = FakeAws.list(p, "TargetGroupARNs.member");
    targets.stream().filter(t -> !fake.elb.exists(t)).findFirst().ifPresent(t -> {
      throw validation("Provided Target Groups may not be valid. Please ensure they exist and"
          + " try again. " + t);
    });
    FakeGroup g = new FakeGroup(name, template, p.getOrDefault("LaunchTemplate.Version", "$Default"),
        List.of(zones.split(",")), targets,
        "true".equals(p.get("NewInstancesProtectedFromScaleIn")), fake.now());
    sizes(g, p, true);
    for (int i = 1; p.containsKey("Tags.member." + i + ".Key"); i++) {
      String t = "Tags.member." + i + ".";
      g.tags.put(p.get(t + "Key"), new FakeGroup.GroupTag(p.getOrDefault(t + "Value", ""),
          "true".equals(p.get(t + "PropagateAtLaunch"))));
    }
    if (g.tags.size() > 50) {
      throw validation("1 validation error detected: the number of tags exceeds 50");
    }
    groups.put(name, g);
    return ok("CreateAutoScalingGroup", "");
  }

  /** Applies MinSize/MaxSize/DesiredCapacity, checking min ≤ desired ≤ max as the API does. */
  private void sizes(FakeGroup g, Map<String, String> p, boolean creating) {
    if (creating && (!p.containsKey("MinSize") || !p.containsKey("MaxSize"))) {
      throw validation("MinSize and MaxSize are required");
    }
    int min = Integer.parseInt(p.getOrDefault("MinSize", String.valueOf(g.min)));
    int max = Integer.parseInt(p.getOrDefault("MaxSize", String.valueOf(g.max)));
    int desired = Integer.parseInt(p.getOrDefault("DesiredCapacity",
        String.valueOf(creating ? min : g.desired)));
    if (min > max) {
      throw validation("Max bound, " + max + ", must be greater than or equal to min bound, "
          + min);
    }
    if (desired < min || desired > max) {
      throw validation("Desired capacity:" + desired + " must be between the specified min size:"
          + min + " and max size:" + max);
    }
    if (desired != g.desired || creating) {
      g.activityDue = fake.now().plus(activityDelay);
      activities++;
    }
    g.min = min;
    g.max = max;
    g.desired = desired;
  }

  private FakeGroup group(Map<String, String> p) {
    String name = p.getOrDefault("AutoScalingGroupName", "");
    FakeGroup g = groups.get(name);
    if (g == null) {
      throw validation("AutoScalingGroup name not found - AutoScalingGroup '" + name
          + "' not found");
    }
    return g;
  }

  private Answer update(Map<String, String> p) {
    sizes(group(p), p, false);
    return ok("UpdateAutoScalingGroup", "");
  }

  private Answer tag(Map<String, String> p) {
    for (int i = 1; p.containsKey("Tags.member." + i + ".Key"); i++) {
      String t = "Tags.member." + i + ".";
      FakeGroup g = groups.get(p.getOrDefault(t + "ResourceId", ""));
      if (g == null || !"auto-scaling-group".equals(p.get(t + "ResourceType"))) {
        throw validation("AutoScalingGroup name not found - " + p.get(t + "ResourceId"));
      }
      g.tags.put(p.get(t + "Key"), new FakeGroup.GroupTag(p.getOrDefault(t + "Value", ""),
          "true".equals(p.get(t + "PropagateAtLaunch"))));
    }
    return ok("CreateOrUpdateTags", "");
  }

  private Answer suspend(Map<String, String> p) {
    FakeGroup g = group(p);
    List<String> processes = FakeAws.list(p, "ScalingProcesses.member");
    g.suspended.addAll(processes.isEmpty() ? List.of("Launch", "Terminate", "AddToLoadBalancer",
        "AlarmNotification", "AZRebalance", "HealthCheck", "InstanceRefresh", "ReplaceUnhealthy",
        "ScheduledActions") : processes);
    return ok("SuspendProcesses", "");
  }

  private Answer protect(Map<String, String> p) {
    FakeGroup g = group(p);
    boolean on = "true".equals(p.get("ProtectedFromScaleIn"));
    for (String id : FakeAws.list(p, "InstanceIds.member")) {
      FakeGroup.Member m = g.members.stream().filter(x -> x.id.equals(id)).findFirst().orElseThrow(
          () -> validation("The instance " + id + " is not part of Auto Scaling group "
              + g.name + "."));
      m.protectedFromScaleIn = on;
    }
    return ok("SetInstanceProtection", "");
  }

  private Answer terminate(Map<String, String> p) {
    String id = p.getOrDefault("InstanceId", "");
    if (!p.containsKey("ShouldDecrementDesiredCapacity")) {
      throw validation("ShouldDecrementDesiredCapacity is required");
    }
    FakeGroup g = groups.values().stream().filter(x -> x.members.stream()
        .anyMatch(m -> m.id.equals(id))).findFirst().orElseThrow(() -> validation(
            "Instance Id not found - No managed instance found for instance ID: " + id));
    boolean decrement = "true".equals(p.get("ShouldDecrementDesiredCapacity"));
    if (decrement && g.desired - 1 < g.min) {
      throw validation("Currently, desiredSize equals minSize (" + g.min + "). Terminating"
          + " instance without replacement will violate group's min size constraint. Either set"
          + " shouldDecrementDesiredCapacity flag to false or lower group's min size.");
    }
    remove(g, id);
    if (decrement) {
      g.desired--;
    }
    String activity = "<Activity><ActivityId>act-" + (++activities) + "</ActivityId>"
        + "<AutoScalingGroupName>" + esc(g.name) + "</AutoScalingGroupName><Description>"
        + "Terminating EC2 instance: " + id + "</Description><Cause>instance " + id
        + " was taken out of service in response to a user request"
        + (decrement ? ", shrinking the capacity from " + (g.desired + 1) + " to " + g.desired
            : "") + ".</Cause><StartTime>" + fake.now() + "</StartTime><StatusCode>InProgress"
        + "</StatusCode><Progress>0</Progress></Activity>";
    return ok("TerminateInstanceInAutoScalingGroup", activity);
  }

  private Answer delete(Map<String, String> p) {
    FakeGroup g = group(p);
    if ("true".equals(p.get("ForceDelete"))) {
      List.copyOf(g.members).forEach(m -> remove(g, m.id));
    } else if (!g.members.isEmpty()) {
      throw new Refusal(400, "ResourceInUse", "You cannot delete an AutoScalingGroup while there"
          + " are instances or pending Spot instance requests");
    } else if (g.desired > 0 || fake.now().isBefore(g.activityDue)) {
      throw new Refusal(400, "ScalingActivityInProgress", "You cannot delete an AutoScalingGroup"
          + " while there are scaling activities in progress.");
    }
    groups.remove(g.name);
    return ok("DeleteAutoScalingGroup", "");
  }

  private Answer describe(Map<String, String> p) {
    List<String> names = FakeAws.list(p, "AutoScalingGroupNames.member");
    int max = Integer.parseInt(p.getOrDefault("MaxRecords", "50"));
    if (max < 1 || max > 100) {
      throw validation("1 validation error detected: Value '" + max + "' at 'maxRecords' failed"
          + " to satisfy constraint: Member must have value less than or equal to 100");
    }
    List<FakeGroup> all = groups.values().stream()
        .filter(g -> names.isEmpty() || names.contains(g.name)).filter(g -> g.matches(p))
        .toList();
    int from = Integer.parseInt(p.getOrDefault("NextToken", "0"));
    StringBuilder x = new StringBuilder("<AutoScalingGroups>");
    all.subList(Math.min(from, all.size()), Math.min(all.size(), from + max))
        .forEach(g -> x.append(g.xml()));
    x.append("</AutoScalingGroups>");
    if (from + max < all.size()) {
      x.append("<NextToken>").append(from + max).append("</NextToken>");
    }
    return ok("DescribeAutoScalingGroups", x.toString());
  }

  private static Refusal validation(String message) {
    return new Refusal(400, "ValidationError", message);
  }

  private static Answer ok(String action, String result) {
    return new Answer(200, "<" + action + "Response xmlns=\"" + FakeAws.ASG_NS + "\"><" + action
        + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>req-1"
        + "</RequestId></ResponseMetadata></" + action + "Response>");
  }
}
