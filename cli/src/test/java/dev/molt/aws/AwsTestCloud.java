package dev.molt.aws;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The provider module's {@link FakeAws} (EC2 + ELBv2 over the query protocol, which the SDK's
 * real marshalling talks to) and its SDK clients ({@link AwsFixture}), opened to tests of other
 * packages: the campaign over several platforms in this module. Reads the ground truth (live
 * instances, their tags and the AMI they were run from) from the fake itself.
 */
public final class AwsTestCloud implements AutoCloseable {
  private final AwsFixture aws;

  private AwsTestCloud(Duration pendingFor, Duration checksAfter) {
    this.aws = new AwsFixture(Clock.systemUTC(), pendingFor, checksAfter, Duration.ZERO);
  }

  /**
   * Starts a fake in real time.
   *
   * @param pendingFor how long an instance pends before it runs
   * @param checksAfter how long after it runs its status checks pass
   * @return the fake cloud
   */
  public static AwsTestCloud start(Duration pendingFor, Duration checksAfter) {
    return new AwsTestCloud(pendingFor, checksAfter);
  }

  /** @return a provider on the fake, without target groups: health is EC2's status checks */
  public AwsProvider provider() {
    return aws.provider().build();
  }

  /**
   * @return a provider on the same fake in the Auto Scaling mode: a group per revision, made from
   *     a launch template version (its launch specs must name {@code aws.subnetIds})
   */
  public AwsProvider autoScalingProvider() {
    return aws.autoScalingProvider().build();
  }

  /** @return the names of the Auto Scaling groups the fake holds */
  public List<String> groupNames() {
    return aws.fake.autoScaling.groupNames();
  }

  /** @return the ids of every instance not terminated, Molt's or not */
  public List<String> liveIds() {
    return aws.fake.liveIds();
  }

  /** @return the instance's tags */
  public Map<String, String> tags(String id) {
    return aws.fake.tags(id);
  }

  /** @return the AMI the instance was run from (its RunInstances request's {@code ImageId}) */
  public String imageId(String id) {
    return aws.fake.runRequest(id).getOrDefault("ImageId", "");
  }

  /** @return whether the instance is in the {@code running} state */
  public boolean running(String id) {
    return aws.fake.running(id);
  }

  @Override
  public void close() {
    aws.close();
  }
}
