package dev.molt.aws;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * The EC2 mode: a launch is one RunInstances call (its client token from the request key, spread
 * over {@code aws.subnetIds} by {@link ZonedLaunch}), a terminate TerminateInstances, 1000 ids a
 * call.
 */
final class Ec2Launcher implements Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Ec2Launcher.class);
  /** TerminateInstances' limit on instance ids per call. */
  static final int TERMINATE_BATCH = 1000;

  private final Ec2Client ec2;
  private final RequestPacer pacer;
  private final Clock clock;
  private final Function<LaunchRequest, RunInstancesRequest> runRequests;
  private final SubnetZones subnetZones;

  Ec2Launcher(Ec2Client ec2, RequestPacer pacer, Clock clock,
      Function<LaunchRequest, RunInstancesRequest> runRequests) {
    this.ec2 = ec2;
    this.pacer = pacer;
    this.clock = clock;
    this.runRequests = runRequests;
    this.subnetZones = new SubnetZones(ec2, pacer);
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    LaunchSpec spec = request.spec();
    RunInstancesRequest run = runRequests.apply(request);
    String fleet = request.fleet();
    Ec2LaunchOptions options = Ec2LaunchOptions.parse(spec.options());
    // a pinned zone is checked against the subnets' zones before anything is paid or launched
    Optional<List<String>> pinned = request.zone().map(z -> options.subnets().isEmpty()
        ? List.of() : subnetZones.in(fleet, options.subnets(), z));
    pacer.launches.take("launch", fleet, request.count());
    List<String> subnets = options.subnetIds();
    List<software.amazon.awssdk.services.ec2.model.Instance> started = pinned.isPresent()
        ? ZonedLaunch.inZone(ec2, pacer, fleet, run, pinned.get(), request.zone().get())
        : subnets.isEmpty()
        ? AwsErrors.call("launch", fleet, () -> ec2.runInstances(run)).instances()
        : ZonedLaunch.run(ec2, pacer, fleet, run, subnets);
    Instant now = clock.instant();
    List<Instance> launched = new ArrayList<>();
    for (software.amazon.awssdk.services.ec2.model.Instance i : started) {
      // RunInstances may answer without the tags it applied: the request's are authoritative
      Map<String, String> labels = new LinkedHashMap<>(Ec2Tags.labels(i.tags()));
      run.tagSpecifications().get(0).tags().forEach(t -> labels.put(t.key(), t.value()));
      Ec2Instances.toMolt(fleet, i.toBuilder().tags(Ec2Tags.tags(labels)).build(), now,
          id -> true).ifPresent(launched::add); // a new instance carries no drain tag
    }
    // not registered here: ELBv2 refuses a pending instance (InvalidTarget); health registers
    // each one in its revision's groups once EC2 reports it running
    List<String> ids = launched.stream().map(Instance::id).toList();
    LOG.info("fleet={} action=launch revision={} key={} zone={} instances={}", fleet,
        spec.revision(), request.requestKey(), request.zone().orElse("any"), ids);
    return launched;
  }

  @Override
  public void terminate(String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    terminate(ec2, fleet, owned);
  }

  /** TerminateInstances, 1000 ids a call. */
  static void terminate(Ec2Client ec2, String fleet,
      List<software.amazon.awssdk.services.ec2.model.Instance> owned) {
    List<String> ids = owned.stream()
        .map(software.amazon.awssdk.services.ec2.model.Instance::instanceId).toList();
    for (int from = 0; from < ids.size(); from += TERMINATE_BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + TERMINATE_BATCH));
      AwsErrors.run("terminate", "instances " + batch,
          () -> ec2.terminateInstances(r -> r.instanceIds(batch)));
    }
    LOG.info("fleet={} action=terminate instances={}", fleet, ids);
  }
}
