package dev.molt.aws.store;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A {@link FakeDynamoDb} and SDK clients pointed at it (static credentials, us-east-1, the URL
 * connection HTTP client; no SDK retries unless asked, so that every store call is one request),
 * and stores on those clients. {@link #close()} closes every client, then the fake.
 */
final class DynamoDbFixture implements AutoCloseable {
  static final String TABLE = "molt-test";

  final FakeDynamoDb fake = new FakeDynamoDb();
  private final List<DynamoDbClient> clients = new ArrayList<>();

  /** @return a new client without retries, as another engine's */
  DynamoDbClient client() {
    return client(AwsRetryStrategy.doNotRetry());
  }

  DynamoDbClient client(RetryStrategy retries) {
    DynamoDbClient client = DynamoDbClient.builder().endpointOverride(fake.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDFAKEFAKEFAKE", "fake-secret")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(retries)).build();
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** @return a store on a new client, on table {@value #TABLE} (created by the first) */
  DynamoDbRolloutStore store() {
    return DynamoDbRolloutStore.builder(client()).table(TABLE).build();
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(DynamoDbClient::close);
    }
    fake.close();
  }
}
