package dev.molt.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.ControlAnswer;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A control requested by a second JVM through the PostgreSQL store reaches the holder. */
class PostgresControlsIT {
  private static final Duration POLL = Duration.ofSeconds(5);
  private final DataSource db = PostgresServer.dataSource();
  private final String schema = PostgresServer.freshSchema();
  private final PostgresRolloutStore store = PostgresRolloutStore.builder(db).schema(schema).build();

  @AfterEach
  void dropSchema() {
    PostgresServer.drop(db, schema);
  }

  @Test
  void aPauseFromAnotherProcessReachesTheHolderWithinOnePollAndIsAnsweredInTheRecord()
      throws Exception {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).defaultBehavior(
        InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))).build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(3).identity("holder")
        .pollInterval(POLL).store(store).build();
    LaunchSpec v2 = SimulatedPlatform.spec("pg-controls-v2");
    RolloutHandle handle = engine.start(RolloutSpec.builder("web").capacity(4).target(v2).build());
    time.advance(Duration.ofSeconds(1));

    String requestId = requestFromAnotherJvm(handle.id(), "PAUSE");
    time.advance(POLL);

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(store.load(handle.id()).orElseThrow().answer(requestId))
        .hasValueSatisfying(a -> {
          assertThat(a.outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
          assertThat(a.answeredBy()).isEqualTo("holder");
        });
    assertThat(store.requests(handle.id())).singleElement()
        .satisfies(r -> assertThat(r.requestedBy()).startsWith("cli-pid-"));

    requestFromAnotherJvm(handle.id(), "RESUME");
    time.advance(POLL);
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  private String requestFromAnotherJvm(String rolloutId, String control) throws Exception {
    Map<String, String> env = PostgresServer.env();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), "-cp",
        System.getProperty("java.class.path"), ControlRequestMain.class.getName(),
        env.get("MOLT_PG_URL"), env.get("MOLT_PG_USER"), schema, rolloutId, control))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the requesting JVM ended").isTrue();
      assertThat(child.exitValue()).isZero();
      return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } finally {
      child.destroyForcibly();
    }
  }
}
