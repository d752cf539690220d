package dev.molt.aws;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStatus;

/**
 * Health verdicts: ELBv2 target health for revisions with a target group (one call per group),
 * EC2 status checks for the others (one call per 100 instances); and, with a router, whether an
 * instance still serves traffic.
 */
final class FleetHealth {
  private static final Logger LOG = LoggerFactory.getLogger(FleetHealth.class);
  /** DescribeInstanceStatus' limit on instance ids per call. */
  static final int STATUS_BATCH = 100;

  private final Ec2Client ec2;
  private final Optional<TargetGroups> targetGroups;
  private final GroupMap groups;
  private final Optional<ListenerRouter> router;

  private final RequestPacer pacer;
  /** The platform registers instances in their revision's own group (Auto Scaling mode). */
  private final boolean ownGroupByPlatform;

  /**
   * @param ownGroupByPlatform whether the platform registers each instance in its revision's own
   *     group itself (an Auto Scaling group attached to it): health then adds the instances that
   *     should share even traffic to the shared group, which the judging group cannot tell
   */
  FleetHealth(Ec2Client ec2, Optional<TargetGroups> targetGroups, GroupMap groups,
      Optional<ListenerRouter> router, RequestPacer pacer, boolean ownGroupByPlatform) {
    this.ec2 = ec2;
    this.ownGroupByPlatform = ownGroupByPlatform;
    this.pacer = pacer;
    this.targetGroups = targetGroups;
    this.groups = groups;
    this.router = router;
  }

  Map<String, Health> health(String fleet, List<Instance> judged) {
    Map<String, List<Instance>> byGroup = new LinkedHashMap<>();
    List<Instance> byStatus = new ArrayList<>();
    for (Instance i : judged) {
      if (!i.state().isAlive() || i.state() == InstanceState.FAILED) {
        continue;
      }
      Optional<String> arn = groups.judging(i.revision());
      if (arn.isPresent()) {
        byGroup.computeIfAbsent(arn.get(), k -> new ArrayList<>()).add(i);
      } else {
        byStatus.add(i);
      }
    }
    Map<String, Health> out = new LinkedHashMap<>();
    Holds holds = new Holds(fleet);
    byGroup.forEach((arn, members) -> out.putAll(targetHealth(fleet, arn, members, holds)));
    holds.joinShared(judged);
    out.putAll(statusChecks(byStatus));
    return out;
  }

  /**
   * Instances launched to get traffic by split only (tag {@link Ec2Tags#HOLD}, with a router and a
   * shared group). While the listener forwards to the shared group (no split), joining it would
   * give them an even share, so they stay in their revision's group only; once a split is in
   * force they join the shared group too, so that a later even split (a rolling update) finds
   * them there. The listener is read at most once per health call, and only when a held instance
   * is concerned.
   */
  private final class Holds {
    private final String fleet;
    private Optional<Boolean> sharedServes = Optional.empty();

    Holds(String fleet) {
      this.fleet = fleet;
    }

    boolean held(Instance i) {
      return router.isPresent() && groups.shared().isPresent()
          && i.labels().containsKey(Ec2Tags.HOLD);
    }

    /** @return the groups {@code i} joins now */
    List<String> groupsFor(Instance i) {
      List<String> all = groups.of(i.revision());
      if (!held(i) || !sharedServes()) {
        return all;
      }
      return all.stream().filter(g -> !g.equals(groups.shared().get())).toList();
    }

    /**
     * Under a split, held instances serving in their own group join the shared group; when the
     * platform registered the instances in their own group ({@code ownGroupByPlatform}), so do
     * the others, at once. One DescribeTargetHealth on the shared group when any is concerned.
     */
    void joinShared(List<Instance> judged) {
      if (groups.shared().isEmpty()) {
        return;
      }
      String shared = groups.shared().get();
      List<Instance> joinable = judged.stream().filter(FleetHealth::joinable)
          .filter(i -> OwnerLabels.isOwned(i.labels(), fleet)).toList();
      List<String> joining = new ArrayList<>(!ownGroupByPlatform ? List.of() : joinable.stream()
          .filter(i -> !held(i)).filter(i -> groups.byRevision().containsKey(i.revision()))
          .filter(i -> !groups.byRevision().get(i.revision()).equals(shared))
          .map(Instance::id).toList());
      List<String> held = joinable.stream().filter(this::held).map(Instance::id).toList();
      if (!held.isEmpty() && !sharedServes()) {
        joining.addAll(held);
      }
      if (joining.isEmpty()) {
        return;
      }
      List<String> missing = groups().health(shared, joining).entrySet().stream()
          .filter(e -> !e.getValue().registered()).map(Map.Entry::getKey).toList();
      if (!missing.isEmpty()) {
        LOG.info("fleet={} action=register targetGroup={} instances={} reason=shared", fleet,
            shared, missing);
        groups().register("health", shared, missing);
      }
    }

    private boolean sharedServes() {
      if (sharedServes.isEmpty()) {
        sharedServes = Optional.of(router.get().servingGroups("health", fleet)
            .contains(groups.shared().get()));
      }
      return sharedServes.get();
    }
  }

  /** @return whether {@code i} may join a target group: running, not draining */
  private static boolean joinable(Instance i) {
    return !i.state().isDraining() && i.state() != InstanceState.LAUNCHING
        && i.state().isAlive() && i.state() != InstanceState.FAILED
        && !i.labels().containsKey(Ec2Tags.DRAIN_STARTED);
  }

  /**
   * Target health. A running, owned, undrained instance the judging group does not know (a new
   * one: launch cannot register a pending instance; or a lost registration) is registered in every
   * group of its revision, one call per group. When ELBv2 does not check the judging group ({@code
   * Target.NotInUse}: no listener forwards to it), the router first puts it in the listener's
   * action at weight 0, and meanwhile the shared group, if it is another, judges (one more call).
   */
  private Map<String, Health> targetHealth(String fleet, String arn, List<Instance> members,
      Holds holds) {
    Map<String, TargetGroups.Verdict> verdicts =
        groups().health(arn, members.stream().map(Instance::id).toList());
    Map<String, Health> out = new LinkedHashMap<>();
    Map<String, List<String>> register = new LinkedHashMap<>();
    List<String> unchecked = new ArrayList<>();
    for (Instance i : members) {
      TargetGroups.Verdict v = verdicts.get(i.id());
      if (v == null) {
        continue;
      }
      out.put(i.id(), v.health());
      if (!v.inUse()) {
        unchecked.add(i.id());
      }
      if (!v.registered() && joinable(i) && OwnerLabels.isOwned(i.labels(), fleet)) {
        holds.groupsFor(i).forEach(
            group -> register.computeIfAbsent(group, k -> new ArrayList<>()).add(i.id()));
      }
    }
    register.forEach((group, ids) -> {
      LOG.info("fleet={} action=register targetGroup={} instances={}", fleet, group, ids);
      groups().register("health", group, ids);
    });
    if (!unchecked.isEmpty()) {
      out.putAll(judgeUnchecked(fleet, arn, unchecked));
    }
    return out;
  }

  private Map<String, Health> judgeUnchecked(String fleet, String arn, List<String> ids) {
    LOG.debug("fleet={} targetGroup={} reason={} instances={}", fleet, arn,
        TargetGroups.NOT_IN_USE, ids);
    router.ifPresent(r -> r.attachAll("health", fleet));
    Map<String, Health> out = new LinkedHashMap<>();
    Optional<String> shared = groups.shared().filter(s -> !s.equals(arn));
    if (shared.isPresent()) {
      groups().health(shared.get(), ids).forEach((id, v) -> {
        if (v.inUse() && v.registered()) {
          out.put(id, v.health());
        }
      });
    }
    return out;
  }

  private Map<String, Health> statusChecks(List<Instance> judged) {
    Map<String, Health> out = new LinkedHashMap<>();
    List<String> ids = judged.stream().map(Instance::id).distinct().toList();
    for (int from = 0; from < ids.size(); from += STATUS_BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + STATUS_BATCH));
      pacer.describes.take("health", "instances " + batch, 1);
      List<InstanceStatus> statuses = AwsErrors.call("health", "instances " + batch,
          () -> ec2.describeInstanceStatus(r -> r.instanceIds(batch).includeAllInstances(true)))
          .instanceStatuses();
      for (InstanceStatus s : statuses) {
        out.put(s.instanceId(), verdict(s));
      }
    }
    return out;
  }

  static Health verdict(InstanceStatus s) {
    if (s.instanceState() == null || !"running".equals(s.instanceState().nameAsString())) {
      return Health.UNKNOWN;
    }
    String system = s.systemStatus() == null ? "" : s.systemStatus().statusAsString();
    String instance = s.instanceStatus() == null ? "" : s.instanceStatus().statusAsString();
    if ("impaired".equals(system) || "impaired".equals(instance)) {
      return Health.UNHEALTHY;
    }
    return "ok".equals(system) && "ok".equals(instance) ? Health.HEALTHY : Health.UNKNOWN;
  }


  /**
   * Refuses, before touching any, a batch holding a running, undrained instance that is healthy
   * in a target group the listener forwards to with a weight above 0: terminate never cuts off
   * traffic; drain it, or move its revision's share off, first.
   */
  void refuseServing(ListenerRouter r, String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    List<String> candidates = owned.stream()
        .filter(i -> "running".equals(i.state().nameAsString()))
        .filter(i -> !Ec2Tags.labels(i.tags()).containsKey(Ec2Tags.DRAIN_STARTED))
        .map(software.amazon.awssdk.services.ec2.model.Instance::instanceId).toList();
    if (candidates.isEmpty()) {
      return;
    }
    for (String arn : r.servingGroups("terminate", fleet)) {
      groups().health(arn, candidates).forEach((id, v) -> {
        if (v.health() == Health.HEALTHY) {
          throw new ProviderException("terminate", id, false, "refusing to terminate "
              + id + ": it still serves traffic (healthy in target group " + arn
              + ", which the listener forwards to); drain it or move its revision's traffic"
              + " off first");
        }
      });
    }
  }


  private TargetGroups groups() {
    return targetGroups.orElseThrow(TargetGroups::missingClient);
  }
}
