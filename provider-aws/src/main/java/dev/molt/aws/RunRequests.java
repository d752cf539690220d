package dev.molt.aws;

import dev.molt.HealthCheck;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * A launch request as one RunInstances request: the AMI, the instance type and placement options,
 * the owner tags applied at creation, the client token, the environment as user data. Everything
 * is validated here, before any AWS call.
 */
final class RunRequests {
  private static final Pattern AMI = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");

  private RunRequests() {}

  /** @return the RunInstances request for {@code request}, validated before any call */
  static RunInstancesRequest of(LaunchRequest request) {
    LaunchSpec spec = request.spec();
    String ami = spec.image().reference();
    if (!AMI.matcher(ami).matches()) {
      throw new InvalidSpecException("image.reference", "the AWS provider launches EC2 machine"
          + " images: '" + ami + "' is not an AMI id (ami-<8 or 17 hex>); container images run"
          + " on the docker or kubernetes providers");
    }
    if (!spec.secrets().isEmpty()) {
      throw new InvalidSpecException("secrets", "the AWS provider does not resolve secret"
          + " references " + spec.secrets().keySet() + "; give the instances an instance profile"
          + " (aws.iamInstanceProfile) and fetch them at boot from SSM or Secrets Manager");
    }
    Ec2LaunchOptions options = Ec2LaunchOptions.parse(spec.options());
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
        .tagSpecifications(Ec2Tags.forInstances(tags));
    UserData.encoded(spec).ifPresent(b::userData);
    options.subnetId().ifPresent(b::subnetId);
    if (!options.securityGroupIds().isEmpty()) {
      b.securityGroupIds(options.securityGroupIds());
    }
    options.keyName().ifPresent(b::keyName);
    options.iamInstanceProfile().ifPresent(p -> b.iamInstanceProfile(
        p.startsWith("arn:") ? IamInstanceProfileSpecification.builder().arn(p).build()
            : IamInstanceProfileSpecification.builder().name(p).build()));
    return b.build();
  }

  private static Optional<Integer> servedPort(LaunchSpec spec) {
    HealthCheck check = spec.healthCheck();
    if (check.kind() != HealthCheck.Kind.PLATFORM && check.port() > 0) {
      return Optional.of(check.port());
    }
    return spec.ports().stream().findFirst();
  }

}
