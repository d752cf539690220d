package dev.molt.aws;

import static dev.molt.aws.FakeAws.esc;

import dev.molt.aws.FakeAws.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One group of {@link FakeAutoScaling}: its settings, tags, suspended processes and members, its
 * {@code tag:} filters and its XML as DescribeAutoScalingGroups answers it. Runs under the fake's
 * lock.
 */
final class FakeGroup {
  /** One group's member. */
  static final class Member {
    final String id;
    final String subnet;
    String lifecycle = "Pending";
    boolean protectedFromScaleIn;

    Member(String id, String subnet, boolean protectedFromScaleIn) {
      this.id = id;
      this.subnet = subnet;
      this.protectedFromScaleIn = protectedFromScaleIn;
    }
  }

  /** A tag of a group. */
  record GroupTag(String value, boolean propagate) {}

  final String name;
  final String template;
  final String version;
  final List<String> subnets;
  final List<String> targetGroups;
  final boolean protectNew;
  final Instant created;
  final Map<String, GroupTag> tags = new LinkedHashMap<>();
  final Set<String> suspended = new LinkedHashSet<>();
  final List<Member> members = new ArrayList<>();
  int min;
  int max;
  int desired;
  Instant activityDue;
  int launched;

  FakeGroup(String name, String template, String version, List<String> subnets,
      List<String> targetGroups, boolean protectNew, Instant created) {
    this.name = name;
    this.template = template;
    this.version = version;
    this.subnets = subnets;
    this.targetGroups = targetGroups;
    this.protectNew = protectNew;
    this.created = created;
    this.activityDue = created;
  }

  /** @return whether the group passes DescribeAutoScalingGroups' filters in {@code p} */
  boolean matches(Map<String, String> p) {
    for (int i = 1; p.containsKey("Filters.member." + i + ".Name"); i++) {
      String filter = p.get("Filters.member." + i + ".Name");
      List<String> values = FakeAws.list(p, "Filters.member." + i + ".Values.member");
      boolean hit;
      if (filter.startsWith("tag:")) {
        GroupTag t = tags.get(filter.substring(4));
        hit = t != null && values.contains(t.value());
      } else if (filter.equals("tag-key")) {
        hit = values.stream().anyMatch(tags::containsKey);
      } else if (filter.equals("tag-value")) {
        hit = tags.values().stream().anyMatch(t -> values.contains(t.value()));
      } else {
        throw new Refusal(400, "ValidationError", "Filter type " + filter + " is not valid.");
      }
      if (!hit) {
        return false;
      }
    }
    return true;
  }

  /** @return the group as DescribeAutoScalingGroups describes it */
  String xml() {
    StringBuilder x = new StringBuilder("<member><AutoScalingGroupName>").append(esc(name))
        .append("</AutoScalingGroupName><AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:")
        .append("123456789012:autoScalingGroup:0000:autoScalingGroupName/").append(esc(name))
        .append("</AutoScalingGroupARN>").append(templateXml()).append("<MinSize>")
        .append(min).append("</MinSize><MaxSize>").append(max).append("</MaxSize>")
        .append("<DesiredCapacity>").append(desired).append("</DesiredCapacity>")
        .append("<DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a")
        .append("</member></AvailabilityZones><TargetGroupARNs>");
    targetGroups.forEach(t -> x.append("<member>").append(esc(t)).append("</member>"));
    x.append("</TargetGroupARNs><HealthCheckType>EC2</HealthCheckType><HealthCheckGracePeriod>")
        .append("300</HealthCheckGracePeriod><Instances>");
    for (Member m : members) {
      x.append("<member><InstanceId>").append(m.id).append("</InstanceId><InstanceType>")
          .append("t3.micro</InstanceType><AvailabilityZone>us-east-1a</AvailabilityZone>")
          .append("<LifecycleState>").append(m.lifecycle).append("</LifecycleState>")
          .append("<HealthStatus>Healthy</HealthStatus>").append(templateXml())
          .append("<ProtectedFromScaleIn>").append(m.protectedFromScaleIn)
          .append("</ProtectedFromScaleIn></member>");
    }
    x.append("</Instances><CreatedTime>").append(created).append("</CreatedTime>")
        .append("<SuspendedProcesses>");
    suspended.forEach(s -> x.append("<member><ProcessName>").append(s).append("</ProcessName>")
        .append("<SuspensionReason>User suspended</SuspensionReason></member>"));
    x.append("</SuspendedProcesses><VPCZoneIdentifier>").append(esc(String.join(",", subnets)))
        .append("</VPCZoneIdentifier><Tags>");
    tags.forEach((k, v) -> x.append("<member><ResourceId>").append(esc(name))
        .append("</ResourceId><ResourceType>auto-scaling-group</ResourceType><Key>")
        .append(esc(k)).append("</Key><Value>").append(esc(v.value())).append("</Value>")
        .append("<PropagateAtLaunch>").append(v.propagate()).append("</PropagateAtLaunch>")
        .append("</member>"));
    return x.append("</Tags><NewInstancesProtectedFromScaleIn>").append(protectNew)
        .append("</NewInstancesProtectedFromScaleIn></member>").toString();
  }

  private String templateXml() {
    return "<LaunchTemplate><LaunchTemplateName>" + esc(template) + "</LaunchTemplateName>"
        + "<Version>" + esc(version) + "</Version></LaunchTemplate>";
  }
}
