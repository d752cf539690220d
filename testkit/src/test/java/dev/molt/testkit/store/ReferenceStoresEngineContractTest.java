package dev.molt.testkit.store;

import dev.molt.store.FileRolloutStore;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** Core's two stores pass the engine contract: the contract itself is checked on them. */
class ReferenceStoresEngineContractTest {

  /** One in-memory store that every engine of a test shares. */
  @Nested
  class InMemory extends RolloutStoreEngineContract {
    private final InMemoryRolloutStore store = new InMemoryRolloutStore();

    @Override
    protected RolloutStore store() {
      return store;
    }
  }

  /** One directory; each engine opens a store of its own on it, as another process would. */
  @Nested
  class Files extends RolloutStoreEngineContract {
    @TempDir Path dir;

    @Override
    protected RolloutStore store() {
      return FileRolloutStore.open(dir);
    }

    @Override
    protected RolloutStore openForEngine() {
      return FileRolloutStore.open(dir);
    }
  }
}
