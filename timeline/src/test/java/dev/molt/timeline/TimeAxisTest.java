package dev.molt.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TimeAxisTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "{0}s long: a tick every {1}s, {2} ticks")
  @CsvSource({
      "1, 1, 2",
      "40, 5, 9",
      "460, 60, 8",      // the failed canary: 7m40s
      "1415, 300, 5",    // the successful canary: 23m35s
      "10800, 1800, 7",
      "86400, 10800, 9",
      "864000, 86400, 11"})
  void picksTheSmallestRoundIntervalWithAtMostTenTicks(long span, long every, int count) {
    TimeAxis axis = new TimeAxis(T0, T0.plusSeconds(span), 0, 1000);

    List<Instant> ticks = axis.ticks();

    assertThat(ticks).hasSize(count).first().isEqualTo(T0);
    assertThat(Duration.between(ticks.get(0), ticks.get(1)).toSeconds()).isEqualTo(every);
  }

  @Test
  void mapsTimeLinearlyAndClampsOutsideTheAxis() {
    TimeAxis axis = new TimeAxis(T0, T0.plusSeconds(100), 150, 1150);

    assertThat(axis.x(T0)).isEqualTo(150);
    assertThat(axis.x(T0.plusSeconds(25))).isEqualTo(400);
    assertThat(axis.x(T0.plusSeconds(500))).isEqualTo(1150);
    assertThat(axis.x(T0.minusSeconds(5))).isEqualTo(150);
    assertThat(axis.label(T0.plusSeconds(300))).isEqualTo("+5m00s");
  }
}
