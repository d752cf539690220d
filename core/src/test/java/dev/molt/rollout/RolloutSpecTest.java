package dev.molt.rollout;

import dev.molt.InvalidSpecException;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;

import dev.molt.HealthCheck;
import dev.molt.strategy.Amount;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad specs are rejected naming the field, and the platform never hears of them. */
class RolloutSpecTest {
  private static final java.time.Duration MINUTE = java.time.Duration.ofMinutes(1);

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
                .progressDeadline(java.time.Duration.ZERO).build()),
        Arguments.of("canary without steps", "steps",
            (Supplier<Object>) () -> Canary.of()),
        Arguments.of("canary weight that goes down", "steps[2].setWeight",
            (Supplier<Object>) () -> Canary.of(setWeight(50), pause(MINUTE), setWeight(20))),
        Arguments.of("canary weight over 100", "setWeight",
            (Supplier<Object>) () -> setWeight(150)),
        Arguments.of("health check on a port not served", "healthCheck.port",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .healthCheck(HealthCheck.http(9090, "/health")).build()),
        Arguments.of("health check with no port served", "healthCheck.port",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image())
                .healthCheck(HealthCheck.tcp(8080)).build()),
        Arguments.of("variable set twice", "environment[GREETING]",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .env("GREETING", "hello").env("GREETING", "bye")),
        Arguments.of("variable set twice through a map", "environment[GREETING]",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .env("GREETING", "hello").env(java.util.Map.of("GREETING", "bye"))),
        Arguments.of("secret set twice", "secrets[TOKEN]",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image())
                .secret("TOKEN", "ssm:/a").secret("TOKEN", "ssm:/b")),
        Arguments.of("variable name with '='", "environment[A=B]",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .healthCheck(HealthCheck.tcp(8080)).env("A=B", "1").build()),
        Arguments.of("variable name with a space", "environment[MY VAR]",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .healthCheck(HealthCheck.tcp(8080)).env("MY VAR", "1").build()),
        Arguments.of("empty secret name", "secrets",
            (Supplier<Object>) () -> LaunchSpec.builder(Fixtures.V2.image()).ports(8080)
                .healthCheck(HealthCheck.tcp(8080)).secret("", "ssm:/a").build()),
        Arguments.of("maxUnavailable above the capacity", "strategy.maxUnavailable",
            (Supplier<Object>) () -> Fixtures.rollout(Fixtures.V2, 3)
                .strategy(RollingUpdate.of(Amount.of(1), Amount.of(5))).build()),
        Arguments.of("digest too short", "reference",
            (Supplier<Object>) () -> Image.of("registry.example/web@sha256:abc123", "v2")),
        Arguments.of("image id with upper-case hex", "reference",
            (Supplier<Object>) () -> Image.of("sha256:" + "A".repeat(64), "v2")));
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

  @org.junit.jupiter.api.Test
  void aMalformedDigestIsNotCalledATag() {
    assertThatThrownBy(() -> Image.of("registry.example/web@sha256:abc123", "v2"))
        .hasMessageContaining("malformed digest").hasMessageContaining("found 6 character(s)")
        .hasMessageNotContaining("tag");
    assertThatThrownBy(() -> Image.of("Registry/Web@sha256:" + "a".repeat(64), "v2"))
        .hasMessageContaining("malformed repository");
  }

  @org.junit.jupiter.api.Test
  void abortWithoutAReasonIsRefusedAndTheRolloutGoesOn() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    var handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThatThrownBy(() -> handle.abort(null))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("reason"));
    assertThatThrownBy(() -> handle.abort(" "))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("reason"));
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }
}
