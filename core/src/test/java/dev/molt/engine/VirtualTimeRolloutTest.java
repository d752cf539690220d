package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class VirtualTimeRolloutTest {

  @Test
  void aRolloutSpanningHoursOfVirtualTimeCompletesWithoutWaitingForThem() {
    Fixtures f = new Fixtures(InstanceBehavior.healthy(Duration.ofMinutes(12), Duration.ofMinutes(3)));
    f.deployV1(20);
    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 20)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withMinReadyTime(Duration.ofMinutes(1))
            .withHealthyDeadline(Duration.ofMinutes(30)))
        .progressDeadline(Duration.ofMinutes(30)).build());
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    // 20 one-at-a-time replacements of 16+ minutes each: more than five hours of virtual time
    assertThat(done.elapsed()).isGreaterThan(Duration.ofHours(5));
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(20);
  }

  @Test
  void sameSeedSameHistory() {
    List<String> a = historyOf(new Fixtures());
    List<String> b = historyOf(new Fixtures());
    assertThat(a).isEqualTo(b).isNotEmpty();
  }

  private static List<String> historyOf(Fixtures f) {
    f.deployV1(6);
    return f.engine.run(Fixtures.rollout(Fixtures.V2, 6).build()).history().stream()
        .map(e -> e.at() + " " + e.message()).toList();
  }

  /** The engine's only sources of time are the injected clock and scheduler. */
  @Test
  void libraryCodeNeverSleepsOrReadsTheWallClock() throws IOException {
    Path main = Path.of("src/main/java");
    assertThat(main).isDirectory();
    try (Stream<Path> files = Files.walk(main)) {
      List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            try {
              String text = Files.readString(p);
              return text.contains("Thread.sleep") || text.contains("currentTimeMillis")
                  || text.contains("Instant.now()") || text.contains("LocalDateTime.now()");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString).toList();
      assertThat(offenders).isEmpty();
    }
  }
}
