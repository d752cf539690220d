package dev.molt.aws;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * A {@link FakeAws} and SDK clients pointed at it (static credentials, us-east-1, the URL
 * connection HTTP client, no SDK retries so that every call the provider makes is one request).
 */
final class AwsFixture implements AutoCloseable {
  static final String AMI_V1 = "ami-0123456789abcdef0";
  static final String AMI_V2 = "ami-0fedcba9876543210";

  final FakeAws fake;
  final Ec2Client ec2;
  final ElasticLoadBalancingV2Client elb;
  final AutoScalingClient autoScaling;

  AwsFixture(Clock clock, Duration pendingFor, Duration checksAfter, Duration deregistration) {
    fake = new FakeAws(clock, pendingFor, checksAfter, deregistration);
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDFAKEFAKEFAKE", "fake-secret"));
    ec2 = Ec2Client.builder().endpointOverride(fake.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    elb = ElasticLoadBalancingV2Client.builder().endpointOverride(fake.endpoint())
        .region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    autoScaling = AutoScalingClient.builder().endpointOverride(fake.endpoint())
        .region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
  }

  /** A fake where instances run and pass checks at once. */
  static AwsFixture instant() {
    return new AwsFixture(Clock.systemUTC(), Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  AwsProvider.Builder provider() {
    return AwsProvider.builder(ec2).loadBalancing(elb);
  }

  /** @return a builder in the Auto Scaling mode */
  AwsProvider.Builder autoScalingProvider() {
    return provider().autoScaling(autoScaling);
  }

  /** @return {@link #spec} launching into two subnets, as the Auto Scaling mode needs */
  static LaunchSpec groupSpec(String ami) {
    return spec(ami).toBuilder().option("aws.subnetIds", "subnet-a,subnet-b").build();
  }

  static LaunchSpec spec(String ami) {
    return LaunchSpec.builder(Image.of(ami, ami.equals(AMI_V1) ? "v1" : "v2")).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).build();
  }

  @Override
  public void close() {
    ec2.close();
    elb.close();
    autoScaling.close();
    fake.close();
  }
}
