package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Durations;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The duration form of files, and that it reads every text {@link Durations#text} writes. */
class DurationTextTest {

  @ParameterizedTest(name = "{0} = {1} ms, written {2}")
  @CsvSource({
      "30s, 30000, 30s",
      "10m, 600000, 10m",
      "1h30m, 5400000, 1h30m",
      "250ms, 250, 250ms",
      "2.5s, 2500, 2.5s",
      "0s, 0, 0s",
      "10m00s, 600000, 10m",
      "1h02m03s, 3723000, 1h2m3s",
      "90d00h00m, 7776000000, 90d",
      "1m30s, 90000, 1m30s",
      "1s500ms, 1500, 1.5s",
  })
  void readsAndWrites(String text, long millis, String written) {
    Duration d = DurationText.parse(text);

    assertThat(d).isEqualTo(Duration.ofMillis(millis));
    assertThat(DurationText.text(d)).isEqualTo(written);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "10 m", "m", "1m1h", "5min", "-1s", "1.5m", "2.5s30ms", "1.2345s"})
  void refuses(String text) {
    assertThat(DurationText.parse(text)).isNull();
  }

  @Test
  void readsWhatDurationsTextWritesAndWritesWhatItReads() {
    long seed = 20261203L;
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      Duration d = Duration.ofMillis(switch (i % 4) {
        case 0 -> random.nextInt(1000);
        case 1 -> random.nextInt(60_000);
        case 2 -> random.nextInt(86_400) * 1000L;
        default -> (long) random.nextInt(1000) * 86_400_000L + random.nextInt(86_400) * 1000L;
      });
      String text = Durations.text(d);
      Duration back = DurationText.parse(text);
      // Durations.text drops the seconds of durations of a day or more, and milliseconds of a minute or more
      Duration expected = d.compareTo(Duration.ofDays(1)) >= 0
          ? Duration.ofMinutes(d.toMinutes())
          : d.compareTo(Duration.ofMinutes(1)) >= 0 ? Duration.ofSeconds(d.toSeconds()) : d;
      assertThat(back).as("seed %d: %s from %s", seed, text, d).isEqualTo(expected);
      assertThat(DurationText.parse(DurationText.text(d))).as("seed %d: %s", seed, d).isEqualTo(d);
    }
  }
}
