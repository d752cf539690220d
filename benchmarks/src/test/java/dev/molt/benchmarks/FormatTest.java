package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void secondsArePlainNumbersWithAUnit() {
    assertThat(Format.seconds(Duration.ofSeconds(140))).isEqualTo("140s");
    assertThat(Format.seconds(Duration.ofMillis(2500))).isEqualTo("2.5s");
    assertThat(Format.seconds(Duration.ofNanos(1_234_567))).isEqualTo("0.001s");
    assertThat(Format.seconds(Duration.ofHours(30))).isEqualTo("108000s");
    assertThat(Format.seconds(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void ratiosHaveThreeDecimals() {
    assertThat(Format.ratio(Duration.ofSeconds(147), Duration.ofSeconds(140))).isEqualTo("1.050");
    assertThat(Format.ratio(Duration.ofSeconds(140), Duration.ofSeconds(140))).isEqualTo("1.000");
    assertThat(Format.ratio(Duration.ZERO, Duration.ZERO)).isEqualTo("1.000");
    assertThat(Format.ratio(Duration.ofSeconds(1), Duration.ZERO)).isEqualTo("inf");
  }

  @Test
  void notANumberIsSpelledOut() {
    assertThat(Format.decimal(Double.NaN, 1)).isEqualTo("nan");
    assertThat(Format.decimal(1234.56, 1)).isEqualTo("1234.6");
  }
}
