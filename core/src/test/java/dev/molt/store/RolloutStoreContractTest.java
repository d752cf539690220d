package dev.molt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.RolloutPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both stores keep records and leases alike. */
class RolloutStoreContractTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir static Path dir;

  static Stream<Arguments> stores() {
    return Stream.of(Arguments.of("in-memory", new InMemoryRolloutStore()),
        Arguments.of("file", FileRolloutStore.open(dir.resolve("store-" + System.identityHashCode(
            new Object())))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aSavedRecordLoadsEqualAndOnlyUnfinishedOnesAreListed(String name, RolloutStore store) {
    RolloutRecord running = Records.record("ro-1", "web", 40, RolloutPhase.ABORTING);
    RolloutRecord done = Records.record("ro-2", "api", 3, RolloutPhase.SUCCEEDED);
    store.save(running);
    store.save(done);

    assertThat(store.load("ro-1")).contains(running);
    assertThat(store.load("ro-2")).contains(done);
    assertThat(store.load("ro-3")).isEmpty();
    assertThat(store.unfinished()).containsExactly(running);
    assertThat(store.load("ro-1").orElseThrow().spec().target().revision())
        .isEqualTo(running.spec().target().revision());

    RolloutRecord later = Records.record("ro-1", "web", 41, RolloutPhase.ROLLED_BACK);
    store.save(later);
    assertThat(store.load("ro-1")).contains(later);
    assertThat(store.unfinished()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aLeaseIsRefusedToASecondHolderNamingTheFirstUntilItLapsesOrIsReleased(String name,
      RolloutStore store) {
    Lease first = store.acquire("web", "engine-a", Records.T0, TTL);
    assertThat(first).isEqualTo(new Lease("web", "engine-a", Records.T0.plus(TTL)));

    assertThatThrownBy(() -> store.acquire("web", "engine-b", Records.T0.plusSeconds(29), TTL))
        .isInstanceOfSatisfying(FleetLockedException.class, e -> {
          assertThat(e.holder()).isEqualTo("engine-a");
          assertThat(e.fleet()).isEqualTo("web");
          assertThat(e).hasMessageContaining("engine-a");
        });
    assertThat(store.acquire("api", "engine-b", Records.T0, TTL).holder()).isEqualTo("engine-b");

    Lease renewed = store.acquire("web", "engine-a", Records.T0.plusSeconds(20), TTL);
    assertThat(renewed.expiresAt()).isEqualTo(Records.T0.plusSeconds(50));
    assertThatThrownBy(() -> store.acquire("web", "engine-b", Records.T0.plusSeconds(49), TTL))
        .isInstanceOf(FleetLockedException.class);

    Lease taken = store.acquire("web", "engine-b", Records.T0.plusSeconds(50), TTL);
    assertThat(taken.holder()).isEqualTo("engine-b");
    store.release("web", "engine-a"); // not the holder: no effect
    assertThat(store.lease("web")).contains(taken);
    store.release("web", "engine-b");
    assertThat(store.lease("web")).isEmpty();
    assertThat(store.acquire("web", "engine-a", Records.T0.plusSeconds(51), TTL).holder())
        .isEqualTo("engine-a");
  }
}
