package dev.molt.aws;

import dev.molt.HealthCheck;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * A launch request as one RunInstances request: the AMI, the instance type and placement options,
 * the owner tags applied at creation, the client token, the environment and secret references as
 * user data, and the hardened defaults (IMDSv2 required with a hop limit of 1, an encrypted root
 * volume). Everything is validated here, before any AWS call.
 */
final class RunRequests {
  private static final Pattern AMI = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");

  private RunRequests() {}

  /**
   * @param rootDeviceOf the root device name of an AMI (DescribeImages), asked only once every
   *     check has passed and only when the root volume is encrypted without {@code
   *     aws.rootDeviceName}
   * @param region the region instances fetch their secrets in
   * @return the RunInstances request for {@code request}, validated before any call
   */
  static RunInstancesRequest of(LaunchRequest request, Function<String, String> rootDeviceOf,
      Optional<String> region) {
    LaunchSpec spec = request.spec();
    String ami = spec.image().reference();
    if (!AMI.matcher(ami).matches()) {
      throw new InvalidSpecException("image.reference", "the AWS provider launches EC2 machine"
          + " images: '" + ami + "' is not an AMI id (ami-<8 or 17 hex>); container images run"
          + " on the docker or kubernetes providers");
    }
    Ec2LaunchOptions options = Ec2LaunchOptions.parse(spec.options());
    Map<String, SecretRefs.Ref> secrets =
        SecretRefs.parse(spec.secrets(), options.iamInstanceProfile().isPresent());
    Optional<String> userData = UserData.encoded(spec, secrets, region);
    Map<String, String> tags = new LinkedHashMap<>(request.ownerLabels());
    tags.put(Ec2Tags.NAME, Ec2Tags.value("molt-" + request.fleet() + "-" + spec.revision()));
    servedPort(spec).ifPresent(p -> tags.put(Ec2Tags.PORT, Integer.toString(p)));
    if (request.holdTraffic()) {
      tags.put(Ec2Tags.HOLD, "true");
    }
    RunInstancesRequest.Builder b = RunInstancesRequest.builder()
        .imageId(ami)
        .instanceType(options.instanceType())
        .minCount(request.count())
        .maxCount(request.count())
        .clientToken(ClientTokens.of(request))
        .tagSpecifications(Ec2Tags.forInstances(tags))
        .metadataOptions(metadata(options));
    userData.ifPresent(b::userData);
    options.subnetId().ifPresent(b::subnetId);
    if (!options.securityGroupIds().isEmpty()) {
      b.securityGroupIds(options.securityGroupIds());
    }
    options.keyName().ifPresent(b::keyName);
    options.iamInstanceProfile().ifPresent(p -> b.iamInstanceProfile(
        p.startsWith("arn:") ? IamInstanceProfileSpecification.builder().arn(p).build()
            : IamInstanceProfileSpecification.builder().name(p).build()));
    if (options.encryptedRootVolume()) {
      String device = options.rootDeviceName().orElseGet(() -> rootDeviceOf.apply(ami));
      EbsBlockDevice.Builder ebs = EbsBlockDevice.builder().encrypted(true);
      options.kmsKeyId().ifPresent(ebs::kmsKeyId);
      b.blockDeviceMappings(BlockDeviceMapping.builder().deviceName(device).ebs(ebs.build())
          .build());
    }
    return b.build();
  }

  /** IMDSv2 only (session tokens required), reachable from the instance itself only (1 hop). */
  private static InstanceMetadataOptionsRequest metadata(Ec2LaunchOptions options) {
    return InstanceMetadataOptionsRequest.builder()
        .httpEndpoint(InstanceMetadataEndpointState.ENABLED)
        .httpTokens(options.imdsv2() ? HttpTokensState.REQUIRED : HttpTokensState.OPTIONAL)
        .httpPutResponseHopLimit(options.metadataHopLimit()).build();
  }

  private static Optional<Integer> servedPort(LaunchSpec spec) {
    HealthCheck check = spec.healthCheck();
    if (check.kind() != HealthCheck.Kind.PLATFORM && check.port() > 0) {
      return Optional.of(check.port());
    }
    return spec.ports().stream().findFirst();
  }

}
