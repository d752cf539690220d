package dev.molt.kubernetes.store;

import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreContract;

/**
 * The Kubernetes store passes the store contract on a fresh mock API server per test; {@link
 * #openAgain} is a store on a second client, as another engine's.
 */
class KubernetesRolloutStoreContractTest extends RolloutStoreContract {
  private final MockApi api = new MockApi();

  @Override
  protected RolloutStore createStore() {
    return api.store();
  }

  @Override
  protected RolloutStore openAgain(RolloutStore store) {
    return api.store();
  }

  @Override
  protected void closeStore() {
    api.close();
  }
}
