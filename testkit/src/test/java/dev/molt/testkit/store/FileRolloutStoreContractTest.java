package dev.molt.testkit.store;

import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the store contract, a second store on the same directory sharing it. */
class FileRolloutStoreContractTest extends RolloutStoreContract {
  @TempDir Path dir;

  @Override
  protected RolloutStore createStore() {
    return FileRolloutStore.open(dir);
  }

  @Override
  protected RolloutStore openAgain(RolloutStore store) {
    return FileRolloutStore.open(dir);
  }
}
