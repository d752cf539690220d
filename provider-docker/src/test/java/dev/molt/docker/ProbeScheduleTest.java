package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.spi.Health;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The worked example of {@link ProbeSchedule}: interval 2 s, polls every 500 ms. */
class ProbeScheduleTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(2);

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  @Test
  void aContainerIsProbedAtMostOncePerIntervalAndAnsweredItsLastVerdictBetween() {
    ProbeSchedule probes = new ProbeSchedule();
    assertThat(probes.reuse("c", INTERVAL, at(0))).as("never probed: due").isEmpty();
    probes.record("c", Health.UNHEALTHY, at(0));

    assertThat(probes.reuse("c", INTERVAL, at(500))).contains(Health.UNHEALTHY);
    assertThat(probes.reuse("c", INTERVAL, at(1500))).contains(Health.UNHEALTHY);
    assertThat(probes.reuse("c", INTERVAL, at(2000))).as("interval up: due").isEmpty();
    probes.record("c", Health.HEALTHY, at(2000));
    assertThat(probes.reuse("c", INTERVAL, at(2500))).contains(Health.HEALTHY);
    assertThat(probes.reuse("c", INTERVAL, at(3500))).contains(Health.HEALTHY);
    assertThat(probes.reuse("other", INTERVAL, at(2500))).as("per container").isEmpty();
  }

  @Test
  void aClockGoingBackOrAForgottenContainerMakesAProbeDue() {
    ProbeSchedule probes = new ProbeSchedule();
    probes.record("c", Health.HEALTHY, at(10_000));

    assertThat(probes.reuse("c", INTERVAL, at(9_000))).isEmpty();
    probes.forget("c");
    assertThat(probes.reuse("c", INTERVAL, at(10_500))).isEmpty();
  }
}
