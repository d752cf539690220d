package dev.molt.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.Cancellable;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A control request stored by one process reaches the holder at once through PostgreSQL's
 * LISTEN/NOTIFY, not at its next poll.
 */
class PostgresNotifyIT {
  private static final LaunchSpec V1 = SimulatedPlatform.spec("pg-n1");
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();
  private final PostgresRolloutStore store = PostgresRolloutStore.builder(db).schema(schema).build();

  @AfterEach
  void dropSchema() {
    PostgresServer.drop(db, schema);
  }

  @Test
  void aRequestIsToldToTheWatchersOfItsSchemaOnlyOnceItIsStored() {
    List<String> told = new CopyOnWriteArrayList<>();
    List<String> otherSchema = new CopyOnWriteArrayList<>();
    String other = PostgresServer.freshSchema();
    Cancellable watch = store.watchRequests(told::add);
    Cancellable otherWatch = PostgresRolloutStore.builder(db).schema(other).build()
        .watchRequests(otherSchema::add);
    try {
      // the listener connects on its own thread: send until it is listening
      ControlRequest first = ControlRequest.of("ro-1", ControlRequest.Control.PAUSE, "cli",
          Instant.parse("2026-12-04T00:00:00Z"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        store.request(ControlRequest.of("ro-warm", ControlRequest.Control.PAUSE, "cli",
            Instant.now())); // a new request each time (its id is new): each one is told
        return told.contains("ro-warm");
      });
      told.clear();
      store.request(first);
      store.request(first); // stored once: told once
      await().atMost(Duration.ofSeconds(10)).until(() -> told.contains("ro-1"));
      store.request(ControlRequest.of("ro-2", ControlRequest.Control.RESUME, "cli",
          Instant.now()));
      await().atMost(Duration.ofSeconds(10)).until(() -> told.contains("ro-2"));

      // (a warm-up request told late may still come in: it is not one of these)
      assertThat(told.stream().filter(id -> !id.startsWith("ro-warm"))).containsExactly("ro-1",
          "ro-2");
      assertThat(otherSchema).as("another schema's watcher hears none of it").isEmpty();
    } finally {
      watch.cancel();
      otherWatch.cancel();
      PostgresServer.drop(db, other);
    }
  }

  @Test
  void aPauseFromAnotherProcessIsAppliedLongBeforeTheHoldersNextPoll() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(40), Duration.ofSeconds(20)))
        .build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(7).identity("holder")
        .pollInterval(Duration.ofMinutes(10)) // only the notification can bring it in time
        .store(PostgresRolloutStore.builder(db).schema(schema).build()).build();
    try {
      RolloutHandle handle = engine.start(RolloutSpec.builder("web").capacity(3).target(V1)
          .build());
      time.advance(Duration.ofSeconds(1));
      Instant sent = time.now();
      ControlRequest pause = ControlRequest.of(handle.id(), ControlRequest.Control.PAUSE, "cli",
          Instant.now());
      // the requester is another store instance, as another process would have
      PostgresRolloutStore requester = PostgresRolloutStore.builder(db).schema(schema).build();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        requester.request(pause); // idempotent: resent until the listener was connected
        time.advance(Duration.ofMillis(10));
        return handle.current().phase() == RolloutPhase.PAUSED;
      });

      assertThat(Duration.between(sent, time.now())).isLessThan(Duration.ofMinutes(1));
      assertThat(store.load(handle.id()).orElseThrow().answer(pause.id()).orElseThrow()
          .outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
    } finally {
      engine.shutdownNow();
    }
  }
}
