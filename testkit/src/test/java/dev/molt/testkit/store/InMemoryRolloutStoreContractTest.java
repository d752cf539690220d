package dev.molt.testkit.store;

import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;

/** The in-memory store passes the store contract. */
class InMemoryRolloutStoreContractTest extends RolloutStoreContract {
  @Override
  protected RolloutStore createStore() {
    return new InMemoryRolloutStore();
  }
}
