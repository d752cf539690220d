package dev.molt.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.FailurePolicy;
import dev.molt.Fixtures;
import dev.molt.InvalidSpecException;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReconcileSpecTest {

  static Stream<Arguments> invalid() {
    return Stream.<Arguments>of(
        Arguments.of("fleet", (UnaryOperator<ReconcileSpec.Builder>) b -> b),
        Arguments.of("declared", (UnaryOperator<ReconcileSpec.Builder>) b -> b.declared(null)),
        Arguments.of("capacity", (UnaryOperator<ReconcileSpec.Builder>) b -> b.capacity(-1)),
        Arguments.of("rolling", (UnaryOperator<ReconcileSpec.Builder>) b -> b.rolling(null)),
        Arguments.of("rolling.maxSurge", (UnaryOperator<ReconcileSpec.Builder>) b -> b.capacity(5)
            .rolling(RollingUpdate.of(Amount.of(0), Amount.percent(10)))),
        Arguments.of("unhealthyGrace", (UnaryOperator<ReconcileSpec.Builder>) b -> b
            .unhealthyGrace(Duration.ofMinutes(10))),
        Arguments.of("unhealthyGrace", (UnaryOperator<ReconcileSpec.Builder>) b -> b
            .unhealthyGrace(Duration.ofSeconds(-1))),
        Arguments.of("drainTimeout", (UnaryOperator<ReconcileSpec.Builder>) b -> b
            .drainTimeout(Duration.ofSeconds(-1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidFieldsAreNamed(String field, UnaryOperator<ReconcileSpec.Builder> change) {
    String fleet = field.equals("fleet") ? "Not A Fleet" : "web";
    ReconcileSpec.Builder b = ReconcileSpec.builder(fleet).capacity(3).declared(Fixtures.V2);
    assertThatThrownBy(() -> change.apply(b).build())
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void defaultsAndTheRolloutThatCarriesItOut() {
    ReconcileSpec spec = ReconcileSpec.builder("web").capacity(3).declared(Fixtures.V2).build();
    assertThat(spec.unhealthyGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(spec.dryRun()).isFalse();
    assertThat(spec.rolling()).isEqualTo(RollingUpdate.defaults());
    assertThat(spec.withDryRun(true).dryRun()).isTrue();
    assertThat(spec.asRollout().onFailure()).isEqualTo(FailurePolicy.STOP);
    assertThat(spec.asRollout().target()).isEqualTo(Fixtures.V2);
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }

  @Test
  void theSharedFieldsLiveInTheRolloutAndItsRulesHold() {
    ReconcileSpec spec = ReconcileSpec.builder("web").capacity(3).declared(Fixtures.V2)
        .drainTimeout(Duration.ofSeconds(7)).build();
    assertThat(spec.rollout()).isSameAs(spec.asRollout());
    assertThat(spec.rollout().drainTimeout()).isEqualTo(spec.drainTimeout())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(spec.rollout().capacity()).isEqualTo(spec.capacity()).isEqualTo(3);
    var canary = spec.rollout().toBuilder().strategy(dev.molt.strategy.Canary.of(
        dev.molt.strategy.CanaryStep.setWeight(50))).build();
    assertThatThrownBy(() -> new ReconcileSpec(canary, Duration.ofMinutes(1), false))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("rolling"));
    var rollingBack = spec.rollout().toBuilder().onFailure(FailurePolicy.ROLL_BACK).build();
    assertThatThrownBy(() -> new ReconcileSpec(rollingBack, Duration.ofMinutes(1), false))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("rollout.onFailure"));
  }
}
