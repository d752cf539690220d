package dev.molt.store;

import dev.molt.rollout.RolloutPhase;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link FileRolloutStoreKillTest}: saves ever-larger records and renews a
 * lease in a loop, printing {@code saved <n>} after each, until it is killed.
 */
public final class StoreWriterMain {
  private StoreWriterMain() {}

  public static void main(String[] args) {
    FileRolloutStore store = FileRolloutStore.open(Path.of(args[0]));
    Lease lease = store.acquire("web", "child", Records.T0, Duration.ofSeconds(30));
    for (int n = 1; ; n++) {
      store.save(lease, Records.record("ro-kill", "web", 500 + n * 10, RolloutPhase.PROGRESSING));
      lease = store.renew(lease, Records.T0.plusSeconds(n), Duration.ofSeconds(30));
      System.out.println("saved " + n);
      System.out.flush();
    }
  }
}
