package dev.molt.aws;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * When a drain is over: when ELBv2 says so, never by a delay of Molt's own. A drain-tagged instance
 * is still draining while any target group of its revision reports it in a state other than {@code
 * unused}: {@code draining} (the group's deregistration delay is running), or registered again.
 * Only once every group answers {@code unused} is it drained. The engine bounds the wait with the
 * rollout's drain timeout. Without target groups nothing routes through Molt: drained at once.
 */
final class Drains {
  private final Ec2Client ec2;
  private final Optional<TargetGroups> targetGroups;
  private final GroupMap groups;
  private final Clock clock;

  Drains(Ec2Client ec2, Optional<TargetGroups> targetGroups, GroupMap groups, Clock clock) {
    this.ec2 = ec2;
    this.targetGroups = targetGroups;
    this.groups = groups;
    this.clock = clock;
  }

  /**
   * Starts draining owned instances: one DeregisterTargets per target group of their revisions,
   * then one CreateTags {@code molt.dev/drain-started=<now>} for those not tagged yet (a drain
   * repeated keeps its first date).
   */
  void start(String fleet, List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    Map<String, List<String>> byGroup = new LinkedHashMap<>();
    List<String> untagged = new ArrayList<>();
    for (software.amazon.awssdk.services.ec2.model.Instance i : owned) {
      Map<String, String> labels = Ec2Tags.labels(i.tags());
      Ec2Tags.revisionOf(labels).map(groups::of).orElse(List.of()).forEach(
          arn -> byGroup.computeIfAbsent(arn, k -> new ArrayList<>()).add(i.instanceId()));
      if (!labels.containsKey(Ec2Tags.DRAIN_STARTED)) {
        untagged.add(i.instanceId());
      }
    }
    byGroup.forEach((arn, ids) -> targetGroups.orElseThrow(TargetGroups::missingClient)
        .deregister("drain", arn, ids));
    if (!untagged.isEmpty()) {
      Tag started = Tag.builder().key(Ec2Tags.DRAIN_STARTED).value(clock.instant().toString())
          .build();
      AwsErrors.run("drain", "instances " + untagged,
          () -> ec2.createTags(r -> r.resources(untagged).tags(started)));
    }
  }

  /**
   * One DescribeTargetHealth per target group holding a drain-tagged running instance, none when
   * no instance is draining.
   *
   * @return the ids of the drain-tagged running instances ELBv2 has not let go of yet
   */
  Set<String> stillDraining(String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    Map<String, List<String>> byGroup = new LinkedHashMap<>();
    for (software.amazon.awssdk.services.ec2.model.Instance i : owned) {
      Map<String, String> labels = Ec2Tags.labels(i.tags());
      if (!labels.containsKey(Ec2Tags.DRAIN_STARTED) || i.state() == null
          || !"running".equals(i.state().nameAsString())) {
        continue;
      }
      Ec2Tags.revisionOf(labels).map(groups::of).orElse(List.of()).forEach(
          arn -> byGroup.computeIfAbsent(arn, k -> new ArrayList<>()).add(i.instanceId()));
    }
    Set<String> out = new LinkedHashSet<>();
    if (byGroup.isEmpty() || targetGroups.isEmpty()) {
      return out;
    }
    byGroup.forEach((arn, ids) -> {
      Map<String, TargetGroups.Verdict> verdicts = targetGroups.get().health(arn, ids);
      // a target ELBv2 did not answer about is not known to be out: still draining
      ids.stream().filter(id -> !verdicts.containsKey(id)
          || !"unused".equals(verdicts.get(id).state())).forEach(out::add);
    });
    return out;
  }
}
