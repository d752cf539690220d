package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The readiness rules as a table: min ready 30 s, healthy deadline 120 s, drain timeout 20 s; each
 * row is an instance's state with its launch, state and healthy-since ages in seconds before now,
 * the bucket it belongs in and the wake-up (seconds after now) it asks for, -1 for none.
 */
class ReadinessTest {
  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  private static final Readiness RULES = new Readiness(Duration.ofSeconds(30),
      Duration.ofSeconds(120), Duration.ofSeconds(20));

  static Stream<Arguments> rows() {
    return Stream.of(
        // name, state, launched ago, state since ago, healthy since ago (-1 none), bucket, wake
        Arguments.of("healthy long enough", InstanceState.HEALTHY, 300, 100, 100,
            Readiness.Bucket.READY, -1),
        Arguments.of("healthy exactly min-ready", InstanceState.HEALTHY, 300, 30, 30,
            Readiness.Bucket.READY, -1),
        Arguments.of("healthy 10 s of 30", InstanceState.HEALTHY, 40, 10, 10,
            Readiness.Bucket.PENDING, 20),
        Arguments.of("healthy streak from the provider, not the state", InstanceState.HEALTHY,
            300, 5, 50, Readiness.Bucket.READY, -1),
        Arguments.of("launching within the deadline", InstanceState.LAUNCHING, 100, 100, -1,
            Readiness.Bucket.PENDING, 20),
        Arguments.of("launching past the deadline", InstanceState.LAUNCHING, 120, 120, -1,
            Readiness.Bucket.FAILED, -1),
        Arguments.of("unhealthy within the deadline", InstanceState.UNHEALTHY, 60, 10, -1,
            Readiness.Bucket.PENDING, 60),
        Arguments.of("failed at once", InstanceState.FAILED, 5, 1, -1, Readiness.Bucket.FAILED,
            -1),
        Arguments.of("draining within its timeout", InstanceState.DRAINING, 300, 5, -1,
            Readiness.Bucket.DRAINING, 15),
        Arguments.of("draining past its timeout", InstanceState.DRAINING, 300, 20, -1,
            Readiness.Bucket.DRAINED, -1),
        Arguments.of("drained by the platform", InstanceState.DRAINED, 300, 1, -1,
            Readiness.Bucket.DRAINED, -1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void sorts(String name, InstanceState state, int launchedAgo, int sinceAgo, int healthyAgo,
      Readiness.Bucket bucket, int wakeIn) {
    Instance i = new Instance("i-1", "web", Fixtures.V2.revision(), Optional.empty(), state,
        NOW.minusSeconds(launchedAgo), NOW.minusSeconds(sinceAgo),
        healthyAgo < 0 ? Optional.empty() : Optional.of(NOW.minusSeconds(healthyAgo)), Map.of());
    WakeUp wake = new WakeUp();

    assertThat(RULES.sort(i, NOW, wake)).isEqualTo(bucket);
    assertThat(wake.earliest()).isEqualTo(wakeIn < 0 ? Optional.empty()
        : Optional.of(NOW.plusSeconds(wakeIn)));
  }

  @ParameterizedTest(name = "earliest of {0}")
  @MethodSource("wakeUps")
  void theEarliestWakeUpWins(String name, int[] seconds, int earliest) {
    WakeUp wake = new WakeUp();
    for (int s : seconds) {
      wake.at(NOW.plusSeconds(s));
    }
    assertThat(wake.earliest()).contains(NOW.plusSeconds(earliest));
    assertThat(wake.ifAfter(NOW, NOW)).as("now is not after now").isFalse();
    assertThat(wake.earliest()).contains(NOW.plusSeconds(earliest));
  }

  static Stream<Arguments> wakeUps() {
    return Stream.of(Arguments.of("one", new int[] {7}, 7),
        Arguments.of("falling", new int[] {9, 4, 6}, 4),
        Arguments.of("rising", new int[] {1, 2, 3}, 1));
  }
}
