package dev.molt.rollout;

import dev.molt.InvalidSpecException;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad specs are rejected naming the field, and the platform never hears of them. */
class RolloutSpecTest {

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of("negative capacity", "capacity",
            (Supplier<Object>) () -> Fixtures.rollout(Fixtures.V2, -1).build()),
        Arguments.of("missing capacity", "capacity",
            (Supplier<Object>) () -> RolloutSpec.builder("web").target(Fixtures.V2).build()),
        Arguments.of("missing target", "target",
            (Supplier<Object>) () -> RolloutSpec.builder("web").capacity(3).build()),
        Arguments.of("negative surge", "value",
            (Supplier<Object>) () -> Amount.of(-1)),
        Arguments.of("surge over 100%", "value",
            (Supplier<Object>) () -> Amount.parse("150%")),
        Arguments.of("zero-sum limits", "maxSurge",
            (Supplier<Object>) () -> RollingUpdate.of(Amount.of(0), Amount.percent(0))),
        Arguments.of("limits that round to zero", "strategy.maxSurge",
            (Supplier<Object>) () -> Fixtures.rollout(Fixtures.V2, 3)
                .strategy(RollingUpdate.of(Amount.percent(0), Amount.percent(10))).build()),
        Arguments.of("unpinned image", "reference",
            (Supplier<Object>) () -> Image.of("nginx:latest", "v2")),
        Arguments.of("missing health check", "healthCheck",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).build()),
        Arguments.of("bad fleet name", "fleet",
            (Supplier<Object>) () -> RolloutSpec.builder("Web_1").capacity(1)
                .target(Fixtures.V2).build()),
        Arguments.of("zero progress deadline", "progressDeadline",
            (Supplier<Object>) () -> Fixtures.rollout(Fixtures.V2, 1)
                .progressDeadline(java.time.Duration.ZERO).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void isRejectedNamingTheFieldBeforeAnyProviderCall(
      String what, String field, Supplier<Object> build) {
    Fixtures f = new Fixtures();
    assertThatThrownBy(build::get)
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
    assertThat(f.platform.calls()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void engineRefusesNullSpec() {
    Fixtures f = new Fixtures();
    assertThatThrownBy(() -> f.engine.start(null))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("spec"));
    assertThat(f.platform.calls()).isEmpty();
  }
}
