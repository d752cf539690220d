package dev.molt.reconcile;

import dev.molt.engine.ContinuousReconciler;
import dev.molt.engine.ReconcileHandle;
import dev.molt.engine.RolloutHandle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.FleetBusyException;
import dev.molt.InvalidSpecException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reconciling on an interval, never at the same time as a rollout of the fleet. */
class ContinuousReconcilerTest {
  private final MessyFleet f = new MessyFleet();
  private final List<ReconcileReport> reports = new ArrayList<>();

  @Test
  void passesWaitForARunningRolloutAndThenKeepTheFleetInLine() {
    f.launch(MessyFleet.OLD, 4);
    f.time.advance(Duration.ofMinutes(1));
    f.platform.script(MessyFleet.DECLARED.revision(),
        InstanceBehavior.healthy(Duration.ofMinutes(3), Duration.ofSeconds(10)));
    RolloutHandle rollout = f.engine.start(Fixtures.rollout(MessyFleet.DECLARED, 4).build());

    ContinuousReconciler loop = ContinuousReconciler.start(f.engine, f.time,
        f.spec().capacity(4).build(), Duration.ofMinutes(1), reports::add);
    Rollout rolled = rollout.await();
    f.time.advance(Duration.ofMinutes(2));

    assertThat(rolled.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(loop.skipped()).isPositive();
    assertThat(reports).isNotEmpty().allSatisfy(r -> {
      assertThat(r.startedAt()).isAfterOrEqualTo(rolled.updatedAt());
      assertThat(r.findings()).isEmpty();
    });
    // the rollout did its work alone: it launched exactly the four it needed
    assertThat(f.platform.createdCount(MessyFleet.FLEET)).isEqualTo(8);

    String victim = f.platform.instances(MessyFleet.FLEET).get(0).id();
    f.engine.taint(MessyFleet.FLEET, victim, "detector: unexpected binary");
    f.time.advance(Duration.ofMinutes(5));

    assertThat(f.platform.isAlive(victim)).isFalse();
    assertThat(reports).anySatisfy(r -> assertThat(r.finding(victim)).isPresent());

    loop.cancel();
    int passes = loop.passes();
    f.time.advance(Duration.ofHours(1));
    assertThat(loop.passes()).isEqualTo(passes);
  }

  @Test
  void aRolloutIsRefusedWhileAReconcileHoldsTheFleet() {
    MessyFleet messy = new MessyFleet().build();
    ReconcileHandle reconcile = messy.engine.reconcile(messy.spec().build());

    assertThatThrownBy(() -> messy.engine.start(Fixtures.rollout(MessyFleet.DECLARED, 10).build()))
        .isInstanceOfSatisfying(FleetBusyException.class,
            e -> assertThat(e.holder()).isEqualTo(reconcile.id()));
    assertThatThrownBy(() -> messy.engine.reconcile(messy.spec().build()))
        .isInstanceOf(FleetBusyException.class);
    assertThat(reconcile.await().replaced()).isEqualTo(6);
    assertThat(messy.engine.active(MessyFleet.FLEET)).isEmpty();
  }

  @Test
  void anIntervalMustBePositive() {
    assertThatThrownBy(() -> ContinuousReconciler.start(f.engine, f.time,
        f.spec().build(), Duration.ZERO, reports::add))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("interval"));
  }
}
