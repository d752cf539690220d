package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** AWS errors, as the fake answers them on the wire, become the right ProviderException. */
class AwsErrorsTest {
  private final AwsFixture aws = AwsFixture.instant();
  private final String group = aws.fake.elb.createTargetGroup("web");
  private final AwsProvider provider = aws.provider().targetGroup(group).build();

  @AfterEach
  void close() {
    aws.close();
  }

  @ParameterizedTest(name = "EC2 {0} {1} -> retryable {2}")
  @CsvSource({
      "503, RequestLimitExceeded, true",
      "400, RequestLimitExceeded, true",
      "500, InternalError, true",
      "503, Unavailable, true",
      "401, AuthFailure, false",
      "403, UnauthorizedOperation, false",
      "400, InvalidParameterValue, false",
      "400, InvalidAMIID.NotFound, false"})
  void ec2ErrorsAreRetryableOnlyForThrottlingAnd5xx(int status, String code, boolean retryable) {
    aws.fake.failNext("DescribeInstances", status, code, 1);

    assertThatThrownBy(() -> provider.observe("web"))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isEqualTo(retryable);
          assertThat(e.operation()).isEqualTo("observe");
          assertThat(e.getMessage()).contains("answered " + status);
          if (status != 401) { // the JDK's HttpURLConnection hides a streamed POST's 401 body
            assertThat(e.getMessage()).contains(code);
          }
        });
    assertThat(provider.observe("web")).as("the next call is answered").isEmpty();
  }

  @ParameterizedTest(name = "ELBv2 {0} {1} -> retryable {2}")
  @CsvSource({
      "400, Throttling, true",
      "500, InternalFailure, true",
      "400, ValidationError, false",
      "403, AccessDenied, false"})
  void elbErrorsAreRetryableOnlyForThrottlingAnd5xx(int status, String code, boolean retryable) {
    List<Instance> one = provider.launch(new LaunchRequest("web",
        AwsFixture.spec(AwsFixture.AMI_V1), 1, "ro-1", "k"));
    aws.fake.failNext("DescribeTargetHealth", status, code, 1);

    assertThatThrownBy(() -> provider.health("web", one))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isEqualTo(retryable);
          assertThat(e.getMessage()).contains(code);
        });
  }

  @Test
  void aThrottledLaunchRetriedWithTheSameKeyLaunchesOnce() {
    LaunchRequest request = new LaunchRequest("web", AwsFixture.spec(AwsFixture.AMI_V1), 2,
        "ro-1", "k");
    aws.fake.failNext("RunInstances", 503, "RequestLimitExceeded", 1);

    assertThatThrownBy(() -> provider.launch(request))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
    List<Instance> launched = provider.launch(request);
    List<Instance> again = provider.launch(request); // a retry after a lost answer

    assertThat(launched).hasSize(2);
    assertThat(again).extracting(Instance::id)
        .containsExactlyElementsOf(launched.stream().map(Instance::id).toList());
    assertThat(aws.fake.launchedCount()).isEqualTo(2);
  }

  @Test
  void anUnreachableEndpointIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (Ec2Client dead = Ec2Client.builder().endpointOverride(URI.create("http://127.0.0.1:"
        + port)).region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
      AwsProvider unreachable = AwsProvider.builder(dead).build();

      assertThatThrownBy(() -> unreachable.observe("web"))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("cannot reach AWS");
          });
    }
  }
}
