package dev.molt.aws;

import dev.molt.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;

/**
 * An AMI's root device name, so that the encrypted-volume mapping replaces the root volume
 * instead of adding one: one DescribeImages per AMI, remembered (an AMI never changes).
 * Thread-safe.
 */
final class RootDevices {
  private final Ec2Client ec2;
  private final RequestPacer pacer;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  RootDevices(Ec2Client ec2, RequestPacer pacer) {
    this.ec2 = ec2;
    this.pacer = pacer;
  }

  /** @throws ProviderException non-retryable when EC2 reports no root device for the AMI */
  String of(String ami) {
    String device = known.get(ami);
    if (device != null) {
      return device;
    }
    pacer.describes.take("launch", ami, 1);
    List<Image> images = AwsErrors.call("launch", ami,
        () -> ec2.describeImages(r -> r.imageIds(ami))).images();
    String found = images.stream().map(Image::rootDeviceName)
        .filter(d -> d != null && !d.isBlank()).findFirst()
        .orElseThrow(() -> new ProviderException("launch", ami, false, "EC2 does not report a"
            + " root device for " + ami + "; set aws.rootDeviceName, or"
            + " aws.encryptedRootVolume=false to launch with the AMI's own volumes"));
    known.putIfAbsent(ami, found);
    return found;
  }
}
