package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private static final Gate ANY = Gate.constant(Verdict.PASS);

  @ParameterizedTest(name = "{0} of {1}, failures<={2}/{3} inconclusive<={4} errors<={5} -> {6}")
  @CsvSource(delimiter = '|', value = {
      // measurements | count | maxFail | maxConsecutive | maxInconcl | maxErr | verdict
      "P P P | 3 | 0 | 0 | 0 | 0 | PASS",
      "P P | 3 | 0 | 0 | 0 | 0 | -",
      "P F | 3 | 0 | 0 | 0 | 0 | FAIL",
      "F P F | 4 | 2 | 1 | 0 | 0 | -",
      "F F | 4 | 2 | 1 | 0 | 0 | FAIL",
      "F P F P | 4 | 2 | 1 | 0 | 0 | PASS",
      "F P F F | 4 | 3 | 3 | 0 | 0 | PASS",
      "E | 3 | 0 | 0 | 0 | 0 | ERROR",
      "E P P | 3 | 0 | 0 | 0 | 1 | PASS",
      "I | 3 | 0 | 0 | 0 | 0 | INSUFFICIENT_DATA",
      "N | 3 | 0 | 0 | 0 | 0 | INCONCLUSIVE",
      "I I I | 3 | 0 | 0 | 3 | 0 | INSUFFICIENT_DATA",
      "N N I | 3 | 0 | 0 | 3 | 0 | INSUFFICIENT_DATA",
      "E E E | 3 | 0 | 0 | 0 | 3 | INSUFFICIENT_DATA",
  })
  void judgesByLimits(String ms, int count, int maxFail, int maxConsecutive, int maxInconclusive,
      int maxErrors, String expected) {
    Analysis a = Analysis.of(ANY).times(count, Duration.ofMinutes(1))
        .withFailureLimits(maxFail, maxConsecutive).withTolerance(maxInconclusive, maxErrors);

    Optional<Verdict> v = a.judge(measurements(ms));

    assertThat(v.map(Verdict::name).orElse("-")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} of {1}, up to {2} extra -> {3}")
  @CsvSource(delimiter = '|', value = {
      // measurements | count | maxExtra | verdict
      "I | 1 | 0 | INSUFFICIENT_DATA",
      "I | 1 | 2 | -",
      "I I | 1 | 2 | -",
      "I I I | 1 | 2 | INSUFFICIENT_DATA",
      "I P | 1 | 2 | PASS",
      "I I P | 1 | 2 | PASS",
      "I P P | 3 | 1 | -",
      "I P P P | 3 | 1 | PASS",
      "P I P I | 3 | 1 | INSUFFICIENT_DATA",
      "I F | 1 | 2 | FAIL",
      "N | 1 | 2 | INCONCLUSIVE",
  })
  void insufficientDataExtendsTheBakeUpToItsBound(String ms, int count, int maxExtra,
      String expected) {
    Analysis a = Analysis.of(ANY).times(count, Duration.ofMinutes(1))
        .extendOnInsufficient(maxExtra);

    Optional<Verdict> v = a.judge(measurements(ms));

    assertThat(v.map(Verdict::name).orElse("-")).isEqualTo(expected);
  }

  @Test
  void extraMeasurementsLengthenTheDeadlineButNotThePlannedDuration() {
    Analysis a = Analysis.of(ANY).times(3, Duration.ofMinutes(1))
        .withTimeout(Duration.ofSeconds(30)).extendOnInsufficient(2);

    assertThat(a.deadline()).isEqualTo(Duration.ofMinutes(4).plusSeconds(150));
    assertThat(a.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(a.withGate(ANY).times(4, Duration.ofMinutes(1)).maxExtraMeasurements())
        .isEqualTo(2);
    assertThatThrownBy(() -> a.extendOnInsufficient(-1)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("maxExtraMeasurements");
  }

  @Test
  void aLimitThatCouldNeverFailIsRefused() {
    assertThatThrownBy(() -> Analysis.of(ANY).times(2, Duration.ofSeconds(1))
        .withFailureLimits(2, 2)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("maxFailures");
  }

  static List<Measurement> measurements(String text) {
    return Arrays.stream(text.trim().split("\\s+")).map(c -> switch (c) {
      case "P" -> Measurement.pass("p");
      case "F" -> Measurement.fail("f");
      case "E" -> Measurement.error("e");
      case "I" -> Measurement.insufficientData("i");
      default -> new Measurement(Verdict.INCONCLUSIVE, "n");
    }).toList();
  }
}
