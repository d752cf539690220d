package dev.molt.aws;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * The Auto Scaling mode: each revision of a fleet is one Auto Scaling group, {@code
 * molt-<fleet>-<revision>}, launching from a launch template of its own ({@link LaunchTemplates})
 * into the spec's subnets, attached to the revision's own target group, its new instances protected
 * from scale-in, its {@code AZRebalance} and {@code ReplaceUnhealthy} processes suspended, so that
 * the group never chooses a victim: only Molt removes instances, the exact ones it chose.
 *
 * <ul>
 *   <li><b>launch</b> raises the group's desired capacity by the request's count (creating group
 *       and template on the revision's first launch, at the count), once per request key: see
 *       {@link LaunchKeys}. It returns no instances: the group creates them afterwards, and
 *       observe shows them (as the SPI allows a platform with its own controller).
 *   <li><b>terminate</b> is one TerminateInstanceInAutoScalingGroup per instance with {@code
 *       ShouldDecrementDesiredCapacity=true}, so the group does not replace it. An owned instance
 *       in no group (launched in the EC2 mode) is terminated with TerminateInstances.
 *   <li><b>observe</b> reads the fleet's groups (filtered on the owner tags, 100 a page), leaves
 *       out instances the group is terminating, protects any that lost scale-in protection, and
 *       deletes (without {@code ForceDelete}) each group whose desired capacity is 0 and that has
 *       no instance, then its template.
 * </ul>
 *
 * A group whose name is taken but whose tags are not Molt's and the fleet's is never touched.
 * Thread-safe; launches of one group are serialised in this provider (the engine's fleet lease
 * keeps other engines out).
 */
final class GroupLauncher implements Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(GroupLauncher.class);
  /** The tag EC2 Auto Scaling puts on each instance it launches. */
  static final String GROUP_TAG = "aws:autoscaling:groupName";
  /** The processes that would let the group pick instances to terminate. */
  static final List<String> SUSPENDED = List.of("AZRebalance", "ReplaceUnhealthy");
  private static final int PAGE = 100;

  private final AutoScalingClient asg;
  private final Ec2Client ec2;
  private final GroupMap groups;
  private final boolean routed;
  private final Function<LaunchRequest, RunInstancesRequest> runRequests;
  private final LaunchTemplates templates;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  GroupLauncher(AutoScalingClient asg, Ec2Client ec2, GroupMap groups, boolean routed,
      Function<LaunchRequest, RunInstancesRequest> runRequests) {
    this.asg = asg;
    this.ec2 = ec2;
    this.groups = groups;
    this.routed = routed;
    this.runRequests = runRequests;
    this.templates = new LaunchTemplates(ec2);
  }

  /** @return the group (and template) name of a revision: {@code molt-<fleet>-<revision>} */
  static String name(String fleet, String revision) {
    String name = ("molt-" + fleet + "-" + revision).replaceAll("[^A-Za-z0-9().\\-/_]", "_");
    return name.length() <= 128 ? name : name.substring(0, 128);
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    RunInstancesRequest run = runRequests.apply(request); // every check before any call
    List<String> subnets = subnets(request);
    String fleet = request.fleet();
    String name = name(fleet, request.revision().id());
    request.zone().ifPresent(z -> LOG.info("fleet={} action=launch group={} zone={} ignored:"
        + " the group places instances over its subnets", fleet, name, z));
    String key = LaunchKeys.keyOf(request);
    synchronized (locks.computeIfAbsent(name, k -> new Object())) {
      Optional<AutoScalingGroup> group = describe(name);
      if (group.isEmpty()) {
        if (create(request, run, name, subnets, key)) {
          return List.of();
        }
        group = Optional.of(describe(name).orElseThrow(() -> new ProviderException("launch",
            "group " + name, true, "EC2 Auto Scaling says group " + name + " exists but does"
            + " not describe it yet")));
      }
      raise(request, requireOwned(fleet, group.get()), key);
    }
    return List.of();
  }

  /** @return whether the group was created now (at the request's count) */
  private boolean create(LaunchRequest request, RunInstancesRequest run, String name,
      List<String> subnets, String key) {
    Map<String, String> owner = new LinkedHashMap<>(request.ownerLabels());
    LaunchTemplates.Template template = templates.ensure(request.fleet(), name, run, owner,
        ClientTokens.of(request));
    List<Tag> tags = new ArrayList<>();
    owner.forEach((k, v) -> tags.add(tag(name, k, v, true)));
    tags.add(tag(name, LaunchKeys.TAG,
        new LaunchKeys(List.of()).with(new LaunchKeys.Entry(key, 0, request.count())).value(),
        false));
    try {
      asg.createAutoScalingGroup(r -> r.autoScalingGroupName(name)
          .launchTemplate(LaunchTemplateSpecification.builder()
              .launchTemplateName(template.name()).version(template.version()).build())
          .minSize(0).maxSize(request.count()).desiredCapacity(request.count())
          .vpcZoneIdentifier(String.join(",", subnets)).targetGroupARNs(attached(request))
          .newInstancesProtectedFromScaleIn(true).tags(tags));
    } catch (AwsServiceException e) {
      if ("AlreadyExists".equals(LaunchTemplates.code(e))) {
        return false; // an earlier attempt, or another writer: judged by its tags
      }
      throw AwsErrors.translate("launch", "group " + name, e);
    } catch (RuntimeException e) {
      throw AwsErrors.translate("launch", "group " + name, e);
    }
    suspend(name);
    LOG.info("fleet={} action=launch group={} template={} desired=0>{} key={}", request.fleet(),
        name, template.name() + ":" + template.version(), request.count(), request.requestKey());
    return true;
  }

  /** Raises the desired capacity by the request's count, unless the key says it was raised. */
  private void raise(LaunchRequest request, AutoScalingGroup group, String key) {
    String name = group.autoScalingGroupName();
    int desired = group.desiredCapacity();
    LaunchKeys seen = LaunchKeys.parse(tagValue(group, LaunchKeys.TAG));
    Optional<LaunchKeys.Entry> entry = seen.find(key);
    if (entry.isPresent() && desired != entry.get().from()) {
      LOG.debug("fleet={} group={} key={} already launched ({})", request.fleet(), name,
          request.requestKey(), entry.get());
      return;
    }
    LaunchKeys.Entry raise = entry.orElse(new LaunchKeys.Entry(key, desired,
        desired + request.count()));
    if (entry.isEmpty()) { // written before the raise: a retry then knows what it asked for
      AwsErrors.run("launch", "group " + name, () -> asg.createOrUpdateTags(r -> r.tags(
          tag(name, LaunchKeys.TAG, seen.with(raise).value(), false))));
    }
    AwsErrors.run("launch", "group " + name, () -> asg.updateAutoScalingGroup(r -> r
        .autoScalingGroupName(name).desiredCapacity(raise.to())
        .maxSize(Math.max(group.maxSize(), raise.to()))));
    if (!group.suspendedProcesses().stream().map(p -> p.processName()).collect(
        Collectors.toSet()).containsAll(SUSPENDED)) {
      suspend(name);
    }
    LOG.info("fleet={} action=launch group={} desired={}>{} key={}", request.fleet(), name,
        raise.from(), raise.to(), request.requestKey());
  }

  private void suspend(String name) {
    AwsErrors.run("launch", "group " + name, () -> asg.suspendProcesses(
        r -> r.autoScalingGroupName(name).scalingProcesses(SUSPENDED)));
  }

  /**
   * The target group the group registers its instances in: the revision's own (with a router it
   * has weight 0 until a split gives it traffic, so a new instance gets none by joining it);
   * without one, the shared group when there is no router. Health adds the instances to the
   * shared group as in the EC2 mode ({@link FleetHealth}: at once for a rolling update, under a
   * split for a held revision), so that joining traffic stays Molt's decision.
   */
  private List<String> attached(LaunchRequest request) {
    Optional<String> own = Optional.ofNullable(groups.byRevision().get(request.revision()));
    if (own.isPresent()) {
      return List.of(own.get());
    }
    return routed ? List.of() : groups.shared().map(List::of).orElse(List.of());
  }

  private static List<String> subnets(LaunchRequest request) {
    Ec2LaunchOptions options = Ec2LaunchOptions.parse(request.spec().options());
    List<String> subnets = options.subnetIds().isEmpty()
        ? options.subnetId().map(List::of).orElse(List.of()) : options.subnetIds();
    if (subnets.isEmpty()) {
      throw new InvalidSpecException("options[aws.subnetIds]", "the Auto Scaling mode launches"
          + " into the group's subnets: set aws.subnetId or aws.subnetIds");
    }
    return subnets;
  }

  @Override
  public void terminate(String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    Set<String> ours = fleetGroups(fleet).stream().map(AutoScalingGroup::autoScalingGroupName)
        .collect(Collectors.toSet());
    List<software.amazon.awssdk.services.ec2.model.Instance> direct = new ArrayList<>();
    Map<String, String> inGroup = new LinkedHashMap<>();
    for (software.amazon.awssdk.services.ec2.model.Instance i : owned) {
      Optional<String> group = Optional.ofNullable(Ec2Tags.labels(i.tags()).get(GROUP_TAG));
      if (group.isEmpty()) {
        direct.add(i);
      } else if (ours.contains(group.get())) {
        inGroup.put(i.instanceId(), group.get());
      } else { // refused before anything is touched
        throw new ProviderException("terminate", i.instanceId(), false, "refusing to terminate "
            + i.instanceId() + ": it belongs to Auto Scaling group " + group.get() + ", which"
            + " lacks Molt's owner tags for fleet " + fleet + "; Molt never touches a group it"
            + " did not create");
      }
    }
    inGroup.keySet().forEach(this::terminateInGroup);
    if (!inGroup.isEmpty()) {
      LOG.info("fleet={} action=terminate instances={} decrement=true", fleet, inGroup);
    }
    if (!direct.isEmpty()) {
      Ec2Launcher.terminate(ec2, fleet, direct);
    }
  }

  /** Removes one instance from its group, lowering the desired capacity: no replacement. */
  private void terminateInGroup(String id) {
    try {
      asg.terminateInstanceInAutoScalingGroup(r -> r.instanceId(id)
          .shouldDecrementDesiredCapacity(true));
    } catch (AwsServiceException e) {
      if (!"ValidationError".equals(LaunchTemplates.code(e))
          || !String.valueOf(e.awsErrorDetails().errorMessage()).contains("not found")) {
        throw AwsErrors.translate("terminate", id, e);
      } // already out of the group: terminating twice is not an error
    } catch (RuntimeException e) {
      throw AwsErrors.translate("terminate", id, e);
    }
  }

  @Override
  public List<software.amazon.awssdk.services.ec2.model.Instance> observed(String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    List<AutoScalingGroup> fleetGroups = fleetGroups(fleet);
    Set<String> leaving = fleetGroups.stream().flatMap(g -> g.instances().stream())
        .filter(i -> String.valueOf(i.lifecycleStateAsString()).startsWith("Terminat"))
        .map(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId)
        .collect(Collectors.toSet());
    for (AutoScalingGroup g : fleetGroups) {
      protect(fleet, g);
      if (g.desiredCapacity() == 0 && g.instances().isEmpty()) {
        delete(fleet, g.autoScalingGroupName());
      }
    }
    return owned.stream().filter(i -> !leaving.contains(i.instanceId())).toList();
  }

  /** SetInstanceProtection for the group's instances that are not protected from scale-in. */
  private void protect(String fleet, AutoScalingGroup g) {
    List<String> bare = g.instances().stream()
        .filter(i -> !Boolean.TRUE.equals(i.protectedFromScaleIn()))
        .filter(i -> !String.valueOf(i.lifecycleStateAsString()).startsWith("Terminat"))
        .map(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId).toList();
    if (!bare.isEmpty()) {
      AwsErrors.run("observe", "group " + g.autoScalingGroupName(), () ->
          asg.setInstanceProtection(r -> r.autoScalingGroupName(g.autoScalingGroupName())
              .instanceIds(bare).protectedFromScaleIn(true)));
      LOG.info("fleet={} action=protect group={} instances={}", fleet, g.autoScalingGroupName(),
          bare);
    }
  }

  /**
   * Deletes an empty group, then its template. A group that is busy (an activity in progress, an
   * instance just launched) stays until a later observe: that is no failure of observe.
   */
  private void delete(String fleet, String name) {
    try {
      AwsErrors.run("delete", "group " + name, () -> asg.deleteAutoScalingGroup(
          r -> r.autoScalingGroupName(name).forceDelete(false)));
      templates.deleteIfOwned(fleet, name);
      LOG.info("fleet={} action=delete group={} template={}", fleet, name, name);
    } catch (ProviderException e) {
      LOG.debug("fleet={} group={} not deleted yet: {}", fleet, name, e.getMessage());
    }
  }

  /** @return the group, if it exists (whoever owns it) */
  private Optional<AutoScalingGroup> describe(String name) {
    return AwsErrors.call("launch", "group " + name, () -> asg.describeAutoScalingGroups(
        r -> r.autoScalingGroupNames(name))).autoScalingGroups().stream().findFirst();
  }

  /** @return the fleet's groups Molt owns, filtered by EC2 Auto Scaling on the owner tags */
  List<AutoScalingGroup> fleetGroups(String fleet) {
    return AwsErrors.call("observe", "groups of " + fleet, () -> {
      List<AutoScalingGroup> out = new ArrayList<>();
      Optional<String> next = Optional.empty();
      do {
        Optional<String> token = next;
        var page = asg.describeAutoScalingGroups(r -> {
          r.filters(f -> f.name("tag:" + OwnerLabels.MANAGED_BY).values(OwnerLabels.MANAGER),
              f -> f.name("tag:" + OwnerLabels.FLEET).values(fleet)).maxRecords(PAGE);
          token.ifPresent(r::nextToken);
        });
        page.autoScalingGroups().stream().filter(g -> isOwned(fleet, g)).forEach(out::add);
        next = Optional.ofNullable(page.nextToken()).filter(t -> !t.isEmpty());
      } while (next.isPresent());
      return out;
    });
  }

  private static AutoScalingGroup requireOwned(String fleet, AutoScalingGroup g) {
    if (!isOwned(fleet, g)) {
      throw new ProviderException("launch", "group " + g.autoScalingGroupName(), false,
          "Auto Scaling group " + g.autoScalingGroupName() + " exists and its tags lack Molt's"
          + " owner labels for fleet " + fleet + " (" + OwnerLabels.MANAGED_BY + "="
          + OwnerLabels.MANAGER + ", " + OwnerLabels.FLEET + "=" + fleet + "); Molt never"
          + " touches a group it did not create: rename or delete it");
    }
    return g;
  }

  private static boolean isOwned(String fleet, AutoScalingGroup g) {
    Map<String, String> tags = new LinkedHashMap<>();
    g.tags().forEach(t -> tags.put(t.key(), String.valueOf(t.value())));
    return OwnerLabels.isOwned(tags, fleet);
  }

  private static Optional<String> tagValue(AutoScalingGroup g, String key) {
    return g.tags().stream().filter(t -> key.equals(t.key())).map(t -> t.value()).findFirst();
  }

  private static Tag tag(String group, String key, String value, boolean propagate) {
    return Tag.builder().resourceId(group).resourceType("auto-scaling-group").key(key)
        .value(value).propagateAtLaunch(propagate).build();
  }
}
