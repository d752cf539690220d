package dev.molt.aws.store;

import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreEngineContract;
import org.junit.jupiter.api.AfterEach;

/**
 * Engines keep their rollouts and leases in DynamoDB (the in-process stub, through the SDK) and
 * drive the in-memory platform in virtual time: the test kit's engine contract (run, crash and
 * resume, fencing), each engine on a store and client of its own, as on another host.
 */
class DynamoDbEngineTest extends RolloutStoreEngineContract {
  private final DynamoDbFixture aws = new DynamoDbFixture();
  private final DynamoDbRolloutStore store = aws.store();

  @AfterEach
  void close() {
    aws.close();
  }

  @Override
  protected RolloutStore store() {
    return store;
  }

  @Override
  protected RolloutStore openForEngine() {
    return aws.store();
  }
}
