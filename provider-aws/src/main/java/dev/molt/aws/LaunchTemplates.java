package dev.molt.aws;

import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateBlockDeviceMappingRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateEbsBlockDeviceRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateHttpTokensState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateIamInstanceProfileSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateInstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateInstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateTagSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The launch template of one revision's Auto Scaling group: the RunInstances request the EC2 mode
 * would send ({@link RunRequests}: the AMI, type, user data, IMDSv2 and the encrypted root
 * volume, the instance tags), as launch template data, so that both modes launch the same
 * hardened instance. The template carries Molt's owner tags itself, and is created once per
 * revision (a revision is immutable, so its template has one version) and deleted with its group,
 * never when its tags are not Molt's.
 */
final class LaunchTemplates {
  /** EC2's error for a template name already taken. */
  static final String ALREADY_EXISTS = "InvalidLaunchTemplateName.AlreadyExistsException";
  static final String NOT_FOUND = "InvalidLaunchTemplateName.NotFoundException";

  private final Ec2Client ec2;

  LaunchTemplates(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** The template a group launches from. */
  record Template(String name, String version) {}

  /**
   * Creates the template (its client token makes a retried create return the first), or, when a
   * template of that name exists already, reuses it if it is Molt's and the fleet's.
   *
   * @throws ProviderException non-retryable when the name is taken by a template Molt does not own
   */
  Template ensure(String fleet, String name, RunInstancesRequest run, Map<String, String> owner,
      String clientToken) {
    try {
      LaunchTemplate made = ec2.createLaunchTemplate(r -> r.launchTemplateName(name)
          .clientToken(clientToken).versionDescription("molt " + owner.get(OwnerLabels.REVISION))
          .launchTemplateData(data(run))
          .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE)
              .tags(Ec2Tags.tags(owner)).build())).launchTemplate();
      return new Template(name, String.valueOf(made.latestVersionNumber()));
    } catch (AwsServiceException e) {
      if (!ALREADY_EXISTS.equals(code(e))) {
        throw AwsErrors.translate("launch", "launch template " + name, e);
      }
    } catch (RuntimeException e) {
      throw AwsErrors.translate("launch", "launch template " + name, e);
    }
    LaunchTemplate existing = find(name).orElseThrow(() -> new ProviderException("launch",
        "launch template " + name, true, "EC2 says launch template " + name + " exists but"
        + " does not describe it yet"));
    requireOwned(fleet, existing);
    return new Template(name, String.valueOf(existing.latestVersionNumber()));
  }

  /** Deletes the template if it exists and is Molt's and the fleet's; else does nothing. */
  void deleteIfOwned(String fleet, String name) {
    Optional<LaunchTemplate> t = find(name);
    if (t.isPresent() && OwnerLabels.isOwned(Ec2Tags.labels(t.get().tags()), fleet)) {
      AwsErrors.run("delete", "launch template " + name,
          () -> ec2.deleteLaunchTemplate(r -> r.launchTemplateName(name)));
    }
  }

  private Optional<LaunchTemplate> find(String name) {
    try {
      return ec2.describeLaunchTemplates(r -> r.launchTemplateNames(name)).launchTemplates()
          .stream().findFirst();
    } catch (AwsServiceException e) {
      if (NOT_FOUND.equals(code(e))) {
        return Optional.empty();
      }
      throw AwsErrors.translate("observe", "launch template " + name, e);
    } catch (RuntimeException e) {
      throw AwsErrors.translate("observe", "launch template " + name, e);
    }
  }

  private static void requireOwned(String fleet, LaunchTemplate t) {
    if (!OwnerLabels.isOwned(Ec2Tags.labels(t.tags()), fleet)) {
      throw new ProviderException("launch", "launch template " + t.launchTemplateName(), false,
          "launch template " + t.launchTemplateName() + " exists and its tags lack Molt's owner"
          + " labels for fleet " + fleet + "; Molt never touches what it does not own: rename or"
          + " delete it");
    }
  }

  static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }

  /** @return the RunInstances request as launch template data (subnets are the group's) */
  static RequestLaunchTemplateData data(RunInstancesRequest run) {
    RequestLaunchTemplateData.Builder b = RequestLaunchTemplateData.builder()
        .imageId(run.imageId()).instanceType(run.instanceTypeAsString())
        .tagSpecifications(LaunchTemplateTagSpecificationRequest.builder()
            .resourceType(ResourceType.INSTANCE)
            .tags(run.tagSpecifications().get(0).tags()).build());
    Optional.ofNullable(run.userData()).ifPresent(b::userData);
    Optional.ofNullable(run.keyName()).ifPresent(b::keyName);
    if (!run.securityGroupIds().isEmpty()) {
      b.securityGroupIds(run.securityGroupIds());
    }
    Optional.ofNullable(run.metadataOptions()).ifPresent(m -> b.metadataOptions(
        LaunchTemplateInstanceMetadataOptionsRequest.builder()
            .httpTokens(LaunchTemplateHttpTokensState.fromValue(m.httpTokensAsString()))
            .httpPutResponseHopLimit(m.httpPutResponseHopLimit())
            .httpEndpoint(LaunchTemplateInstanceMetadataEndpointState.fromValue(
                m.httpEndpointAsString())).build()));
    Optional.ofNullable(run.iamInstanceProfile()).ifPresent(p -> b.iamInstanceProfile(
        LaunchTemplateIamInstanceProfileSpecificationRequest.builder().arn(p.arn()).name(p.name())
            .build()));
    List<LaunchTemplateBlockDeviceMappingRequest> volumes = run.blockDeviceMappings().stream()
        .map(m -> LaunchTemplateBlockDeviceMappingRequest.builder().deviceName(m.deviceName())
            .ebs(LaunchTemplateEbsBlockDeviceRequest.builder().encrypted(m.ebs().encrypted())
                .kmsKeyId(m.ebs().kmsKeyId()).build()).build()).toList();
    if (!volumes.isEmpty()) {
      b.blockDeviceMappings(volumes);
    }
    return b.build();
  }
}
