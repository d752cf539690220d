package dev.molt.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.RolloutPhase;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import dev.molt.testkit.store.StoreRecords;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fencing under a real race, and a store that outlives a database restart. */
class PostgresFencingIT {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();

  @AfterEach
  void dropSchema() {
    PostgresServer.drop(db, schema);
  }

  private PostgresRolloutStore store() {
    return PostgresRolloutStore.builder(PostgresServer.dataSource()).schema(schema).build();
  }

  @Test
  void noWriteOfTheOldHolderLandsAfterTheNewGrantWhileItKeepsWriting() throws Exception {
    PostgresRolloutStore old = store();
    PostgresRolloutStore successor = store();
    Lease stale = old.acquire("web", "stalled", T0, TTL);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch saved = new CountDownLatch(3);
    CountDownLatch refused = new CountDownLatch(30);
    ExecutorService writers = Executors.newFixedThreadPool(3);
    try {
      // three threads of the old holder save as fast as they can, before and after the takeover
      for (int w = 0; w < 3; w++) {
        int writer = w;
        writers.submit(() -> {
          for (int n = 1; !stop.get(); n++) {
            try {
              old.save(stale, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0,
                  1 + (n * 3 + writer) % 50));
              if (n == 1) {
                saved.countDown();
              }
            } catch (StaleLeaseException e) {
              refused.countDown();
            }
          }
          return null;
        });
      }
      assertThat(saved.await(60, TimeUnit.SECONDS)).as("every old writer saved once").isTrue();
      Lease current = successor.acquire("web", "successor", T0.plus(TTL), TTL);
      RolloutRecord taken = StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 77);
      successor.save(current, taken);
      // the old writers keep trying well after the grant
      assertThat(refused.await(60, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
    } finally {
      writers.shutdown();
      assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(old.load("ro-1")).as("the new holder's record stands").contains(
        StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 77));
  }

  /**
   * The interleaving that the save's share lock on the lease row rules out: a save that checked
   * the old token, then waited (here on the record's row, held by another transaction) while a
   * grant committed, and wrote afterwards. With the lock, the grant waits for that save instead,
   * and the save is ordered before it.
   */
  @Test
  void aGrantWaitsForASaveInFlightUnderTheOldToken() throws Exception {
    PostgresRolloutStore old = store();
    PostgresRolloutStore successor = store();
    Lease stale = old.acquire("web", "stalled", T0, TTL);
    old.save(stale, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 1));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Connection blocker = db.getConnection()) {
      blocker.setAutoCommit(false);
      try (Statement st = blocker.createStatement()) {
        st.execute("SELECT 1 FROM " + schema + ".rollouts WHERE id = 'ro-1' FOR UPDATE");
      }
      Future<?> saved = threads.submit(() -> {
        old.save(stale, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2));
        return null;
      });
      awaitLockWaiters(1); // the save checked the lease and waits for the record's row
      Future<Lease> granted = threads.submit(() -> successor.acquire("web", "successor",
          T0.plus(TTL), TTL));
      // the grant either finished (nothing kept it) or waits on the save's share lock
      awaitLockWaitersOr(2, granted);
      assertThat(granted).as("the grant waits while a save under the old token is in flight")
          .isNotDone();
      blocker.commit();
      saved.get(60, TimeUnit.SECONDS); // ordered before the grant: accepted
      assertThat(granted.get(60, TimeUnit.SECONDS).token()).isGreaterThan(stale.token());
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThatThrownBy(() -> old.save(stale, StoreRecords.record("ro-1", "web",
        RolloutPhase.PROGRESSING, T0, 3))).isInstanceOf(StaleLeaseException.class);
  }

  private void awaitLockWaiters(int n) throws Exception {
    awaitLockWaitersOr(n, null);
  }

  /** Waits (at most 60 s, checking every 10 ms) until {@code n} sessions wait on a lock. */
  private void awaitLockWaitersOr(int n, Future<?> orDone) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      while (true) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
          rs.next();
          if (rs.getInt(1) >= n || (orDone != null && orDone.isDone())) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(n + " sessions did not wait on a lock within 60 s");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
  }

  @Test
  void theStoreAnswersAgainOnceARestartedServerIsBack() throws Exception {
    PostgresRolloutStore store = store();
    Lease lease = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord saved = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 3);
    store.save(lease, saved);

    PostgresServer.pgCtl("stop");
    try {
      assertThatThrownBy(() -> store.renew(lease, T0.plusSeconds(10), TTL))
          .isInstanceOf(StoreException.class).hasMessageContaining("cannot renew the lease");
    } finally {
      PostgresServer.pgCtl("start");
    }

    Lease renewed = store.renew(lease, T0.plusSeconds(11), TTL);
    assertThat(renewed.token()).isEqualTo(lease.token());
    assertThat(store.load("ro-1")).contains(saved);
    store.save(renewed, StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 4));
    assertThat(store.unfinished()).isEmpty();
  }
}
