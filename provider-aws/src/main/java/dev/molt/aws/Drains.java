package dev.molt.aws;

import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a drain is over: when ELBv2 says so, never by a delay of Molt's own. A drain-tagged instance
 * is still draining while any target group of its revision reports it in a state other than {@code
 * unused}: {@code draining} (the group's deregistration delay is running), or registered again.
 * Only once every group answers {@code unused} is it drained. The engine bounds the wait with the
 * rollout's drain timeout. Without target groups nothing routes through Molt: drained at once.
 */
final class Drains {
  private final Optional<TargetGroups> targetGroups;
  private final GroupMap groups;

  Drains(Optional<TargetGroups> targetGroups, GroupMap groups) {
    this.targetGroups = targetGroups;
    this.groups = groups;
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
      revisionOf(labels).map(groups::of).orElse(List.of()).forEach(
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

  private static Optional<Revision> revisionOf(Map<String, String> labels) {
    try {
      return Optional.of(Revision.of(labels.getOrDefault(OwnerLabels.REVISION, "")));
    } catch (InvalidSpecException e) {
      return Optional.empty();
    }
  }
}
