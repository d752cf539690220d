package dev.molt.kubernetes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.RolloutPhase;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import dev.molt.testkit.store.StoreRecords;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The races of a store without multi-object transactions, on the mock API server: two engines
 * (two stores on two clients) racing for a fleet; a stale writer that read the lease and its
 * record before a takeover and writes after it; a 409 from a concurrent write, retried and
 * re-checked. A {@link GatedRequests} interceptor holds one engine's request while the other
 * writes, so every interleaving here is forced, not hoped for.
 */
class KubernetesRolloutStoreRaceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);
  private final MockApi api = new MockApi();
  private final GatedRequests gate = new GatedRequests();
  private final KubernetesRolloutStore old = MockApi.store(api.client(gate));
  private final KubernetesRolloutStore successor = api.store();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() throws InterruptedException {
    gate.letGo();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    api.close();
  }

  private static RolloutRecord record(String id, RolloutPhase phase, int events) {
    return StoreRecords.record(id, "web", phase, T0, events);
  }

  @Test
  void twoEnginesRacingForAFleetGetItOnceEachRoundWithGrowingTokens() throws Exception {
    KubernetesRolloutStore first = api.store();
    KubernetesRolloutStore second = api.store();
    long lastToken = 0;
    for (int round = 0; round < 12; round++) {
      // even rounds race to create a new fleet's Lease, odd rounds to take a lapsed one over
      String fleet = "fleet-" + (round / 2);
      Instant now = T0.plus(TTL.multipliedBy(round % 2));
      CountDownLatch go = new CountDownLatch(1);
      Future<Optional<Lease>> a = pool.submit(() -> race(first, go, fleet, "engine-a", now));
      Future<Optional<Lease>> b = pool.submit(() -> race(second, go, fleet, "engine-b", now));
      go.countDown();
      List<Lease> granted = new ArrayList<>();
      a.get(30, TimeUnit.SECONDS).ifPresent(granted::add);
      b.get(30, TimeUnit.SECONDS).ifPresent(granted::add);

      assertThat(granted).as("round %d: exactly one engine holds %s", round, fleet).hasSize(1);
      Lease winner = granted.get(0);
      assertThat(first.lease(fleet)).contains(winner);
      assertThat(second.lease(fleet)).contains(winner);
      if (round % 2 == 1) {
        assertThat(winner.token()).as("a takeover takes a higher token").isGreaterThan(lastToken);
      }
      lastToken = winner.token();
    }
  }

  private static Optional<Lease> race(KubernetesRolloutStore store, CountDownLatch go,
      String fleet, String holder, Instant now) throws InterruptedException {
    assertThat(go.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      return Optional.of(store.acquire(fleet, holder, now, TTL));
    } catch (FleetLockedException e) {
      assertThat(e.holder()).isNotEqualTo(holder);
      return Optional.empty();
    }
  }

  @Test
  void aStaleWriterThatReadBeforeTheTakeoverIsRefusedAndItsRecordIsNotWritten() throws Exception {
    Lease stale = old.acquire("web", "engine-a", T0, TTL);
    RolloutRecord before = record("ro-1", RolloutPhase.PROGRESSING, 3);
    old.save(stale, before);
    gate.holdNext("PUT", "/configmaps/" + StoreObjects.rolloutName("ro-1"));
    Future<?> late = pool.submit(() -> old.save(stale, record("ro-1", RolloutPhase.SUCCEEDED,
        9)));
    assertThat(gate.awaitHeld()).as("the old holder checked its lease, read the record")
        .isTrue();

    Lease taken = successor.acquire("web", "engine-b", T0.plus(TTL), TTL);
    gate.letGo();

    assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(StaleLeaseException.class, e -> {
          assertThat(e.newestToken()).isEqualTo(taken.token());
          assertThat(e.newestHolder()).contains("engine-b");
        });
    assertThat(gate.statuses("PUT", StoreObjects.rolloutName("ro-1")))
        .as("the held write carried the resourceVersion it read").containsExactly(409);
    assertThat(successor.load("ro-1")).contains(before);
    RolloutRecord resumed = record("ro-1", RolloutPhase.SUCCEEDED, 12);
    successor.save(taken, resumed);
    assertThat(old.load("ro-1")).contains(resumed);
  }

  @Test
  void aStaleWriterCreatingARecordAfterTheTakeoverFindsItFencedAndCreatesNothing()
      throws Exception {
    Lease stale = old.acquire("web", "engine-a", T0, TTL);
    gate.holdNext("POST", "/configmaps");
    Future<?> late = pool.submit(() -> old.save(stale, record("ro-2", RolloutPhase.PROGRESSING,
        2)));
    assertThat(gate.awaitHeld()).as("the old holder listed ro-2 on the lease").isTrue();

    Lease taken = successor.acquire("web", "engine-b", T0.plus(TTL), TTL);
    gate.letGo();

    assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOf(StaleLeaseException.class);
    assertThat(successor.load("ro-2")).isEmpty();
    assertThat(successor.unfinished()).isEmpty();
    RolloutRecord mine = record("ro-2", RolloutPhase.PROGRESSING, 4);
    successor.save(taken, mine);
    assertThat(old.load("ro-2")).contains(mine);
  }

  @Test
  void aGrantThatDiedBeforeFencingLeavesItsEntriesForTheNextGrantToFence() {
    Lease stale = old.acquire("web", "engine-a", T0, TTL);
    old.save(stale, record("ro-1", RolloutPhase.PROGRESSING, 3));
    String name = StoreObjects.rolloutName("ro-1");
    GatedRequests dying = new GatedRequests();
    KubernetesRolloutStore crashing = MockApi.store(api.client(dying));
    dying.failNext("PUT", "/configmaps/" + name);

    assertThatThrownBy(() -> crashing.acquire("web", "engine-b", T0.plus(TTL), TTL))
        .isInstanceOf(StoreException.class).hasMessageContaining(name);
    assertThat(successor.lease("web")).hasValueSatisfying(
        l -> assertThat(l.holder()).as("its Lease write landed").isEqualTo("engine-b"));
    assertThat(annotation(leaseObject(), StoreObjects.WRITTEN))
        .as("the entry waits for a grant that fences it").isEqualTo(name + "=" + stale.token());
    assertThatThrownBy(() -> old.save(stale, record("ro-1", RolloutPhase.SUCCEEDED, 4)))
        .isInstanceOf(StaleLeaseException.class);

    Lease third = successor.acquire("web", "engine-c", T0.plus(TTL.multipliedBy(2)), TTL);

    assertThat(annotation(api.client().configMaps().inNamespace(MockApi.NAMESPACE)
        .withName(name).get(), StoreObjects.FENCE)).isEqualTo(Long.toString(third.token()));
    assertThat(annotation(leaseObject(), StoreObjects.WRITTEN)).isEmpty();
    assertThat(successor.load("ro-1")).contains(record("ro-1", RolloutPhase.PROGRESSING, 3));
  }

  private io.fabric8.kubernetes.api.model.coordination.v1.Lease leaseObject() {
    return api.client().resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class)
        .inNamespace(MockApi.NAMESPACE).withName(StoreObjects.leaseName("web")).get();
  }

  private static String annotation(HasMetadata object, String key) {
    return object.getMetadata().getAnnotations().get(key);
  }

  @Test
  void aSaveWhoseLeaseChangedMeanwhileIsRetriedAndKeepsTheOtherWrite() throws Exception {
    Lease held = old.acquire("web", "engine-a", T0, TTL);
    gate.holdNext("PUT", "/leases/" + StoreObjects.leaseName("web"));
    RolloutRecord record = record("ro-1", RolloutPhase.PROGRESSING, 3);
    Future<?> save = pool.submit(() -> old.save(held, record));
    assertThat(gate.awaitHeld()).as("the save is listing ro-1 on the lease").isTrue();

    // the same engine renews through another connection meanwhile
    Lease renewed = successor.renew(held, T0.plusSeconds(10), TTL);
    gate.letGo();
    save.get(30, TimeUnit.SECONDS);

    assertThat(gate.statuses("PUT", StoreObjects.leaseName("web"))).containsExactly(409, 200);
    assertThat(successor.load("ro-1")).contains(record);
    assertThat(successor.lease("web")).as("the renewal is not lost").contains(renewed);
  }

  @Test
  void aSaveWhoseRetryFindsTheFleetTakenOverIsRefused() throws Exception {
    Lease stale = old.acquire("web", "engine-a", T0, TTL);
    gate.holdNext("PUT", "/leases/" + StoreObjects.leaseName("web"));
    Future<?> save = pool.submit(() -> old.save(stale, record("ro-1", RolloutPhase.PROGRESSING,
        3)));
    assertThat(gate.awaitHeld()).isTrue();

    Lease taken = successor.acquire("web", "engine-b", T0.plus(TTL), TTL);
    gate.letGo();

    assertThatThrownBy(() -> save.get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(StaleLeaseException.class,
            e -> assertThat(e.newestToken()).isEqualTo(taken.token()));
    assertThat(gate.statuses("PUT", StoreObjects.leaseName("web"))).containsExactly(409);
    assertThat(successor.load("ro-1")).isEmpty();
    assertThat(successor.lease("web")).contains(taken);
  }
}
