package dev.molt.aws.store;

import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreContract;

/**
 * The DynamoDB store passes the store contract through the SDK's real marshalling against the
 * in-process DynamoDB, a fresh one per test; {@link #openAgain} is a second store on its own
 * client, as another engine's.
 */
class DynamoDbRolloutStoreContractTest extends RolloutStoreContract {
  private final DynamoDbFixture aws = new DynamoDbFixture();

  @Override
  protected RolloutStore createStore() {
    return aws.store();
  }

  @Override
  protected RolloutStore openAgain(RolloutStore store) {
    return aws.store();
  }

  @Override
  protected void closeStore() {
    aws.close();
  }
}
