package dev.molt.aws.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutPhase;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StaleLeaseException;
import dev.molt.testkit.store.StoreRecords;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines, each with its own store and SDK client, racing on one fleet through the wire: one
 * acquire wins each race, and an old holder that keeps saving through a takeover never lands a
 * write after the new grant.
 */
class DynamoDbRaceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);
  private final DynamoDbFixture aws = new DynamoDbFixture();
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void close() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    aws.close();
  }

  @Test
  void twoEnginesAcquiringOneFleetTogetherExactlyOneWinsEveryRace() throws Exception {
    DynamoDbRolloutStore a = aws.store();
    DynamoDbRolloutStore b = aws.store();
    CyclicBarrier together = new CyclicBarrier(2);
    for (int round = 0; round < 25; round++) {
      String fleet = "fleet-" + round;
      Future<Optional<Lease>> fromA = threads.submit(() -> race(a, fleet, "engine-a", together));
      Future<Optional<Lease>> fromB = threads.submit(() -> race(b, fleet, "engine-b", together));
      List<Lease> won = new ArrayList<>();
      fromA.get(60, TimeUnit.SECONDS).ifPresent(won::add);
      fromB.get(60, TimeUnit.SECONDS).ifPresent(won::add);

      assertThat(won).as("winners of round %d", round).hasSize(1);
      assertThat(a.lease(fleet)).contains(won.get(0));
      assertThat(won.get(0).token()).isEqualTo(1);
    }
  }

  private static Optional<Lease> race(DynamoDbRolloutStore store, String fleet, String holder,
      CyclicBarrier together) throws Exception {
    together.await(30, TimeUnit.SECONDS);
    try {
      return Optional.of(store.acquire(fleet, holder, T0, TTL));
    } catch (FleetLockedException e) {
      assertThat(e.holder()).isNotEqualTo(holder);
      return Optional.empty();
    }
  }

  @Test
  void noWriteOfTheOldHolderLandsAfterTheNewGrantWhileItKeepsWriting() throws Exception {
    DynamoDbRolloutStore old = aws.store();
    DynamoDbRolloutStore successor = aws.store();
    Lease stale = old.acquire("web", "stalled", T0, TTL);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch saved = new CountDownLatch(3);
    CountDownLatch refused = new CountDownLatch(30);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int writer = w;
      writers.add(threads.submit(() -> {
        for (int n = 1; !stop.get(); n++) {
          try {
            old.save(stale, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0,
                1 + (n * 3 + writer) % 20));
            if (n == 1) {
              saved.countDown();
            }
          } catch (StaleLeaseException e) {
            refused.countDown();
          }
        }
        return null;
      }));
    }
    assertThat(saved.await(60, TimeUnit.SECONDS)).as("every old writer saved once").isTrue();
    Lease current = successor.acquire("web", "successor", T0.plus(TTL), TTL);
    RolloutRecord taken = StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 77);
    successor.save(current, taken);
    assertThat(refused.await(60, TimeUnit.SECONDS)).as("the old writers kept trying").isTrue();
    stop.set(true);
    for (Future<?> f : writers) {
      f.get(60, TimeUnit.SECONDS);
    }

    assertThat(old.load("ro-1")).as("the new holder's record stands").contains(taken);
    assertThat(aws.fake.item(DynamoDbFixture.TABLE, FakeKeys.of("rollout#ro-1", "record"))
        .get(Items.TOKEN)).isEqualTo(AttributeValues.n(BigDecimal.valueOf(
            current.token())));
  }
}
