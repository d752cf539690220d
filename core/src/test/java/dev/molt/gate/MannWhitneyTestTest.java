package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.molt.InvalidSpecException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Worked examples whose U and p-values were computed independently (by hand for U, and with
 * SciPy 1.17 {@code mannwhitneyu(x, y, method='asymptotic', use_continuity=True)} for p).
 */
class MannWhitneyTestTest {

  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource(delimiter = '|', value = {
      // x | y | U1 | p(x greater) | p(two-sided)
      "6 7 8 9 10 | 1 2 3 4 5 | 25 | 0.006092890177672406 | 0.012185780355344813",
      "1 2 3 4 5 | 6 7 8 9 10 | 0 | 0.9966923245172357 | 0.012185780355344813",
      "19 22 16 29 24 | 20 11 17 12 | 17 | 0.055673443266570206 | 0.11134688653314041",
      // ties: the variance is tie-corrected
      "1 2 2 3 4 5 5 6 | 3 3 4 6 7 8 8 9 | 13 | 0.9803769874107785 | 0.05047987865939703",
  })
  void matchesReferenceValues(String x, String y, double u1, double pGreater, double pTwo) {
    MannWhitneyTest t = MannWhitneyTest.of(values(x), values(y));

    assertThat(t.u1()).isEqualTo(u1);
    assertThat(t.u1() + t.u2()).isEqualTo((double) t.n1() * t.n2());
    assertThat(t.pGreater()).isCloseTo(pGreater, within(1e-6));
    assertThat(t.pTwoSided()).isCloseTo(pTwo, within(1e-6));
  }

  @Test
  void identicalSamplesShowNoEvidence() {
    MannWhitneyTest t = MannWhitneyTest.of(List.of(5.0, 5.0, 5.0), List.of(5.0, 5.0));
    assertThat(t.pTwoSided()).isEqualTo(1.0);
    assertThat(t.z()).isZero();
  }

  @Test
  void refusesNaNAndEmptySamples() {
    assertThatThrownBy(() -> MannWhitneyTest.of(List.of(1.0, Double.NaN), List.of(1.0)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("x[1]");
    assertThatThrownBy(() -> MannWhitneyTest.of(List.of(), List.of(1.0)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("x");
  }

  @Test
  void erfcIsAccurate() {
    assertThat(MannWhitneyTest.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(MannWhitneyTest.erfc(1)).isCloseTo(0.15729920705028513, within(1e-7));
    assertThat(MannWhitneyTest.erfc(-1)).isCloseTo(1.8427007929497148, within(1e-7));
    assertThat(MannWhitneyTest.upperTail(1.959963984540054)).isCloseTo(0.025, within(1e-7));
  }

  static List<Double> values(String text) {
    return java.util.Arrays.stream(text.trim().split("\\s+")).map(Double::valueOf).toList();
  }
}
