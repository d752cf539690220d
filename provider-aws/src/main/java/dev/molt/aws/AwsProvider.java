package dev.molt.aws;

import static dev.molt.Arguments.required;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.ExpectedLatencies;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Runs a fleet as EC2 instances, optionally registered in ELBv2 target groups.
 *
 * <pre>{@code
 * AwsProvider aws = AwsProvider.builder(Region.US_EAST_1)      // default credentials chain
 *     .targetGroup("arn:aws:elasticloadbalancing:...:targetgroup/web/...")
 *     .build();
 * LaunchSpec spec = LaunchSpec.builder(Image.of("ami-0abcdef1234567890", "build 247"))
 *     .ports(8080).healthCheck(HealthCheck.http(8080, "/health"))
 *     .option("aws.instanceType", "t3.small").option("aws.subnetId", "subnet-...").build();
 * }</pre>
 *
 * <ul>
 *   <li><b>launch</b> is one RunInstances call: the spec's image must be an AMI id ({@code
 *       ami-...}); the instances are tagged at creation with the {@link OwnerLabels}, a {@code
 *       Name} and the port they serve on; the client token is derived from the request key, so a
 *       repeated request returns the instances of the first one instead of launching more. The
 *       spec's environment becomes user data writing {@code /etc/molt/environment}. Instances
 *       are not registered in target groups yet: ELBv2 refuses pending instances. Every instance
 *       reports its availability zone as {@code molt.dev/zone}. A launch asking for a {@linkplain
 *       LaunchRequest#zone() zone} goes only to the configured subnets in that zone (each
 *       subnet's zone learnt once, by DescribeSubnets), a full one falling back to the zone's
 *       next and then failing retryably, naming the zone; a zone none of them is in is refused
 *       (non-retryable, naming each subnet's zone) before anything is launched. Without
 *       configured subnets EC2 is asked for the zone ({@code Placement.AvailabilityZone}).
 *   <li><b>observe</b> is DescribeInstances filtered on the owner tags by EC2 itself, excluding
 *       shutting-down and terminated instances: one call per 1000 instances. {@code pending} is
 *       {@code LAUNCHING}, {@code running} is {@code RUNNING}, {@code stopping}/{@code stopped}
 *       are {@code FAILED}.
 *   <li><b>health</b> with a target group is DescribeTargetHealth (one call per target group;
 *       running instances not registered yet, new or lost, are registered in one call); without, EC2's status
 *       checks through DescribeInstanceStatus (one call per 100 instances): both system and
 *       instance checks {@code ok} is healthy, {@code impaired} unhealthy. The spec's HTTP/TCP
 *       health check is then the target group's to run: configure it there.
 *   <li><b>drain</b> deregisters the instances from their target group (its deregistration delay
 *       does the draining) and tags them {@code molt.dev/drain-started}; they are {@code DRAINING}
 *       as long as ELBv2 reports them in any of their groups ({@code draining}, while the group's
 *       deregistration delay runs: one DescribeTargetHealth per group and observe while any
 *       instance drains) and {@code DRAINED} once every group answers {@code unused}; the engine's
 *       drain timeout bounds the wait. Without a target group nothing routes through Molt, so
 *       they are {@code DRAINED} at once.
 *   <li><b>router</b> (with {@link Builder#listener}) sets splits as one ModifyListener call: a
 *       weighted forward action over the revisions' own target groups; an empty split forwards
 *       to the shared group, which every revision's instances join too. The action names every
 *       configured group, those without traffic at weight 0, because ELBv2 health-checks only
 *       groups a load balancer uses ({@code Target.NotInUse} otherwise); health puts missing
 *       groups in at weight 0 before the first split. At most 5 groups (ELBv2's limit).
 *   <li><b>terminate</b> is TerminateInstances (one call per 1000). With a router, a batch holding
 *       a running, undrained instance that is healthy in a target group the listener forwards to
 *       with a weight above 0 is refused whole (non-retryable): drain first.
 *   <li><b>taint</b> tags the instance {@code molt.dev/tainted=<reason>}.
 * </ul>
 *
 * <p><b>Auto Scaling mode</b> ({@link Builder#autoScaling(AutoScalingClient)}): each revision is
 * one Auto Scaling group {@code molt-<fleet>-<revision>} made from a launch template of its own
 * carrying the same hardened launch; launch raises the group's desired capacity (once per request
 * key, recorded on the group's tags before the raise), terminate removes exactly the instances
 * given ({@code TerminateInstanceInAutoScalingGroup}, decrementing), new instances are protected
 * from scale-in and the group's {@code AZRebalance}/{@code ReplaceUnhealthy} processes suspended,
 * and observe deletes a group (then its template) whose revision has no instance left. Observe,
 * health, drain, taint and the router are the same as above.
 *
 * <p>Drain, terminate and taint first describe the instances by id and refuse, with a
 * non-retryable {@link dev.molt.ProviderException} naming it and before touching any, a batch
 * holding an instance whose tags lack Molt's owner labels for the fleet. AWS errors become {@code
 * ProviderException}s, retryable for throttling, 5xx and I/O failures.
 *
 * <table>
 *   <caption>LaunchSpec options read by the AWS provider</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code aws.instanceType}</td><td>{@code t3.micro}</td><td>EC2 instance type</td></tr>
 *   <tr><td>{@code aws.subnetId}</td><td>default VPC's</td><td>subnet to launch in</td></tr>
 *   <tr><td>{@code aws.securityGroupIds}</td><td>VPC default</td><td>comma-separated ids</td></tr>
 *   <tr><td>{@code aws.keyName}</td><td>none</td><td>EC2 key pair name</td></tr>
 *   <tr><td>{@code aws.iamInstanceProfile}</td><td>none</td><td>instance profile name or
 *       ARN; required with secrets</td></tr>
 *   <tr><td>{@code aws.subnetIds}</td><td>none</td><td>several subnets, comma-separated: each
 *       launch goes to one, spread over their zones; a full zone is retried in the next</td></tr>
 *   <tr><td>{@code aws.imdsv2}</td><td>{@code true}</td><td>{@code false}: IMDSv1 allowed</td></tr>
 *   <tr><td>{@code aws.metadataHopLimit}</td><td>{@code 1}</td><td>1..64</td></tr>
 *   <tr><td>{@code aws.encryptedRootVolume}</td><td>{@code true}</td><td>{@code false}: the
 *       AMI's volumes as they are</td></tr>
 *   <tr><td>{@code aws.kmsKeyId}</td><td>account default</td><td>root volume key</td></tr>
 *   <tr><td>{@code aws.rootDeviceName}</td><td>DescribeImages</td><td>the AMI's root
 *       device</td></tr>
 * </table>
 *
 * Unknown {@code aws.*} options, non-AMI images, secret references other than {@code
 * ssm:<name>}/{@code secretsmanager:<name>} (fetched at boot by the instance profile, never by
 * Molt) are rejected with an {@link InvalidSpecException} before any AWS call. EC2 requests are
 * paced under EC2's request buckets ({@link Builder#paceRequests}). Without a listener there is no router: canary weights are then approximated by replica
 * counts.
 *
 * <p>Thread-safe (the SDK clients are). {@link #close()} closes the clients if the builder created
 * them.
 */
public final class AwsProvider implements Provider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AwsProvider.class);
  private final Ec2Client ec2;
  private final Optional<ElasticLoadBalancingV2Client> elb;
  private final boolean ownsClients;
  private final Ec2Instances instances;
  private final GroupMap groups;
  private final Optional<ListenerRouter> router;
  private final Duration deregistrationDelay;
  private final Clock clock;
  private final FleetHealth health;
  private final Drains drains;
  private final RequestPacer pacer;
  private final RootDevices rootDevices;
  private final Optional<AutoScalingClient> autoScaling;
  private final boolean ownsAutoScaling;
  private final Launcher launcher;

  private AwsProvider(Builder b) {
    this.ec2 = b.ec2;
    this.elb = b.elb;
    this.ownsClients = b.ownsClients;
    this.pacer = new RequestPacer(b.clock, b.paceRequests);
    this.instances = new Ec2Instances(ec2, pacer);
    Optional<TargetGroups> targetGroups = elb.map(TargetGroups::new);
    this.groups = new GroupMap(b.groupByRevision, b.groupForAll);
    this.router = b.listener.map(arn -> new ListenerRouter(b.elb.orElseThrow(), arn, groups));
    this.deregistrationDelay = b.deregistrationDelay;
    this.clock = b.clock;
    this.health = new FleetHealth(ec2, targetGroups, groups, router, pacer,
        b.autoScaling.isPresent());
    this.drains = new Drains(ec2, targetGroups, groups, clock);
    this.rootDevices = new RootDevices(ec2, pacer);
    this.autoScaling = b.autoScaling;
    this.ownsAutoScaling = b.ownsAutoScaling;
    this.launcher = autoScaling.<Launcher>map(asg -> new GroupLauncher(asg, ec2, groups,
            router.isPresent(), this::runRequest))
        .orElseGet(() -> new Ec2Launcher(ec2, pacer, clock, this::runRequest));
  }

  /**
   * Starts a builder with clients this provider creates (and closes) for {@code region}: the
   * default credentials chain and the JDK's URL connection HTTP client.
   *
   * @param region the AWS region
   * @return a builder
   */
  public static Builder builder(Region region) {
    required(region, "region");
    Builder b = new Builder(Ec2Client.builder().region(region)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        Optional.of(ElasticLoadBalancingV2Client.builder().region(region)
            .httpClientBuilder(UrlConnectionHttpClient.builder()).build()), true);
    b.region = Optional.of(region);
    return b;
  }

  /**
   * Starts a builder using an EC2 client the caller configured (and closes); add {@link
   * Builder#loadBalancing} for target groups.
   *
   * @param ec2 an EC2 client
   * @return a builder
   */
  public static Builder builder(Ec2Client ec2) {
    return new Builder(required(ec2, "ec2"), Optional.empty(), false);
  }

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    return launcher.launch(request);
  }

  /** @return the RunInstances request for {@code request}, validated before any call */
  RunInstancesRequest runRequest(LaunchRequest request) {
    return RunRequests.of(request, rootDevices::of,
        Optional.ofNullable(ec2.serviceClientConfiguration().region()).map(Region::id));
  }

  @Override
  public List<Instance> observe(String fleet) {
    Instant now = clock.instant();
    // EC2 filtered on the tags already; checking again costs nothing and guards a lax endpoint
    List<software.amazon.awssdk.services.ec2.model.Instance> owned =
        instances.fleet("observe", fleet).stream()
            .filter(i -> OwnerLabels.isOwned(Ec2Tags.labels(i.tags()), fleet))
            .filter(Ec2Instances::isLive).toList();
    owned = launcher.observed(fleet, owned);
    Set<String> draining = drains.stillDraining(fleet, owned);
    List<Instance> out = new ArrayList<>();
    for (software.amazon.awssdk.services.ec2.model.Instance i : owned) {
      Ec2Instances.toMolt(fleet, i, now, draining::contains).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> judged) {
    return health.health(fleet, judged);
  }

  @Override
  public void drain(String fleet, List<Instance> drained) {
    List<software.amazon.awssdk.services.ec2.model.Instance> owned =
        instances.requireOwned("drain", fleet, drained);
    drains.start(fleet, owned);
    LOG.info("fleet={} action=drain instances={}", fleet,
        owned.stream().map(software.amazon.awssdk.services.ec2.model.Instance::instanceId)
            .toList());
  }

  @Override
  public void terminate(String fleet, List<Instance> terminated) {
    List<software.amazon.awssdk.services.ec2.model.Instance> owned =
        instances.requireOwned("terminate", fleet, terminated);
    router.ifPresent(r -> health.refuseServing(r, fleet, owned));
    launcher.terminate(fleet, owned);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    List<String> ids = instances.requireOwned("taint", fleet, List.of(instance)).stream()
        .map(software.amazon.awssdk.services.ec2.model.Instance::instanceId).toList();
    if (!ids.isEmpty()) {
      Tag taint = Tag.builder().key(OwnerLabels.TAINTED).value(Ec2Tags.value(reason)).build();
      AwsErrors.run("taint", instance.id(), () -> ec2.createTags(r -> r.resources(ids).tags(taint)));
      LOG.info("fleet={} action=taint instance={} reason={}", fleet, instance.id(), reason);
    }
  }

  /** @return launch 60 s, healthy 90 s (EC2 boot and checks), drain the deregistration delay */
  @Override
  public ExpectedLatencies expectedLatencies() {
    return new ExpectedLatencies(Duration.ofSeconds(60), Duration.ofSeconds(90),
        groups.isEmpty() ? Duration.ZERO : deregistrationDelay);
  }

  /** @return the listener router, when the builder was given a listener */
  @Override
  public Optional<TrafficRouter> router() {
    return router.map(r -> r);
  }

  /** Closes the SDK clients the builder created. */
  @Override
  public void close() {
    if (ownsClients) {
      ec2.close();
      elb.ifPresent(ElasticLoadBalancingV2Client::close);
    }
    if (ownsAutoScaling) {
      autoScaling.ifPresent(AutoScalingClient::close);
    }
  }

  /** Builds an {@link AwsProvider}. Not thread-safe. */
  public static final class Builder {
    private final Ec2Client ec2;
    private Optional<ElasticLoadBalancingV2Client> elb;
    private final boolean ownsClients;
    private final Map<Revision, String> groupByRevision = new LinkedHashMap<>();
    private Optional<String> groupForAll = Optional.empty();
    private Duration deregistrationDelay = Duration.ofSeconds(300);
    private Clock clock = Clock.systemUTC();
    private Optional<String> listener = Optional.empty();
    private boolean paceRequests = true;
    private Optional<AutoScalingClient> autoScaling = Optional.empty();
    private Optional<Region> region = Optional.empty();
    private boolean ownsAutoScaling;

    private Builder(Ec2Client ec2, Optional<ElasticLoadBalancingV2Client> elb,
        boolean ownsClients) {
      this.ec2 = ec2;
      this.elb = elb;
      this.ownsClients = ownsClients;
    }

    /** Uses this ELBv2 client for target groups (the caller closes it). @return this builder */
    public Builder loadBalancing(ElasticLoadBalancingV2Client client) {
      this.elb = Optional.of(required(client, "loadBalancing"));
      return this;
    }

    /**
     * Registers every revision's instances in one target group (default: none).
     *
     * @param arn the target group's ARN; its target type must be {@code instance}
     * @return this builder
     */
    public Builder targetGroup(String arn) {
      this.groupForAll = Optional.of(arn(arn));
      return this;
    }

    /**
     * Registers one revision's instances in its own target group, overriding {@link
     * #targetGroup(String)} for it.
     *
     * @param revision the revision ({@code spec.revision()})
     * @param arn the target group's ARN
     * @return this builder
     */
    public Builder targetGroup(Revision revision, String arn) {
      groupByRevision.put(required(revision, "revision"), arn(arn));
      return this;
    }

    /**
     * Routes traffic through an ELBv2 listener's default action (default: no router). A split of
     * weights becomes one ModifyListener call with a weighted forward action over the revisions'
     * own target groups ({@link #targetGroup(Revision, String)}, required for every revision a
     * split names); an empty split forwards everything to the shared group ({@link
     * #targetGroup(String)}, required), which every revision's instances also join.
     *
     * @param listenerArn the listener's ARN
     * @return this builder
     */
    public Builder listener(String listenerArn) {
      if (listenerArn == null || !listenerArn.startsWith("arn:")
          || !listenerArn.contains(":listener/")) {
        throw new InvalidSpecException("listener", "must be an ELBv2 listener ARN, was '"
            + listenerArn + "'");
      }
      this.listener = Optional.of(listenerArn);
      return this;
    }

    /**
     * Sets how long a drain is expected to last, the target groups' deregistration delay (default
     * 300 s, ELBv2's default): reported in {@link AwsProvider#expectedLatencies()} only. When a drain is over
     * is ELBv2's to say (the target has left {@code draining}), never this value's.
     *
     * @return this builder
     */
    public Builder deregistrationDelay(Duration delay) {
      if (delay == null || delay.isNegative()) {
        throw new InvalidSpecException("deregistrationDelay", "must not be negative, was " + delay);
      }
      this.deregistrationDelay = delay;
      return this;
    }

    /**
     * Switches to the Auto Scaling mode (default off: instances are launched directly): each
     * revision runs as one Auto Scaling group made from a launch template of its own, carrying
     * the same hardened defaults; {@code launch} raises the revision's group's desired capacity
     * (once per request key, recorded on the group's tags), {@code terminate} removes the exact
     * instances given from their group and lowers its desired capacity, and a group whose
     * revision has no instance left is deleted with its template. Observe, health, drain, taint
     * and the router are the EC2 mode's. Specs need {@code aws.subnetId} or {@code
     * aws.subnetIds} (the group's subnets); {@code LaunchRequest.zone} is not honoured (the group
     * spreads over its subnets). See docs/aws-provider.md.
     *
     * @param client the Auto Scaling client (the caller closes it)
     * @return this builder
     */
    public Builder autoScaling(AutoScalingClient client) {
      this.autoScaling = Optional.of(required(client, "autoScaling"));
      this.ownsAutoScaling = false;
      return this;
    }

    /**
     * The Auto Scaling mode ({@link #autoScaling(AutoScalingClient)}) with a client this provider
     * creates and closes, in the region of {@link AwsProvider#builder(Region)}.
     *
     * @return this builder
     * @throws InvalidSpecException when the builder was given clients instead of a region
     */
    public Builder autoScaling() {
      Region in = region.orElseThrow(() -> new InvalidSpecException("autoScaling", "a builder"
          + " made from clients needs the Auto Scaling client too: autoScaling(client)"));
      autoScaling(AutoScalingClient.builder().region(in)
          .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
      this.ownsAutoScaling = true;
      return this;
    }

    /**
     * Paces EC2 requests under EC2's documented request-rate buckets (default on): RunInstances
     * 1000 instances refilling 2 a second, describe calls 100 refilling 20 a second, on the
     * {@link #clock}. A call the bucket cannot pay for is refused, retryable, before it reaches
     * EC2, and the engine backs off; off leaves it to EC2's own throttling ({@code
     * RequestLimitExceeded}, retryable too).
     *
     * @param pace whether to pace
     * @return this builder
     */
    public Builder paceRequests(boolean pace) {
      this.paceRequests = pace;
      return this;
    }

    /**
     * Sets the clock that dates drains and paces requests (default the system clock).
     *
     * @return this builder
     */
    public Builder clock(Clock c) {
      this.clock = required(c, "clock");
      return this;
    }

    /** @return the provider */
    public AwsProvider build() {
      if ((groupForAll.isPresent() || !groupByRevision.isEmpty()) && elb.isEmpty()) {
        throw new InvalidSpecException("loadBalancing",
            "target groups are configured but no ELBv2 client was given");
      }
      if (listener.isPresent() && (elb.isEmpty() || groupForAll.isEmpty())) {
        throw new InvalidSpecException("listener", "a listener router needs an ELBv2 client and"
            + " the shared target group (targetGroup(arn)) that an empty split forwards to");
      }
      long named = Stream.concat(groupForAll.stream(),
          groupByRevision.values().stream()).distinct().count();
      if (listener.isPresent() && named > ListenerRouter.MAX_GROUPS) {
        throw new InvalidSpecException("targetGroup", "a listener router keeps every target"
            + " group in the listener's forward action (ELBv2 checks only groups in use) and ELBv2"
            + " allows " + ListenerRouter.MAX_GROUPS + " per action; " + named + " are configured:"
            + " configure the revisions in flight only");
      }
      return new AwsProvider(this);
    }

    private static String arn(String arn) {
      if (arn == null || !arn.startsWith("arn:")) {
        throw new InvalidSpecException("targetGroup", "must be a target group ARN, was '" + arn
            + "'");
      }
      return arn;
    }
  }
}
