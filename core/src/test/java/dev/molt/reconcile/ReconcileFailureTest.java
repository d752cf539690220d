package dev.molt.reconcile;

import dev.molt.engine.ReconcileHandle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A reconcile that fails or is aborted stops where it is: nothing is rolled "back". */
class ReconcileFailureTest {

  @Test
  void anAbortedReconcileStopsWhereItIsAndTheNextOneFinishesTheJob() {
    MessyFleet f = new MessyFleet().build();
    ReconcileHandle handle = f.engine.reconcile(f.spec().build());
    f.time.advance(Duration.ofSeconds(40));

    handle.run().orElseThrow().abort("change freeze");
    ReconcileReport stopped = handle.await();

    Rollout run = stopped.run().orElseThrow();
    assertThat(run.phase()).isEqualTo(RolloutPhase.FAILED);
    assertThat(run.reason()).hasValue("aborted: change freeze");
    assertThat(stopped.findings()).extracting(Finding::outcome).contains(Outcome.NOT_DONE);
    assertThat(stopped.isComplete()).isFalse();
    assertThat(f.serving()).isGreaterThanOrEqualTo(8);
    assertThat(f.platform.instances(MessyFleet.FLEET))
        .allMatch(i -> OwnerLabels.isOwned(i.labels(), MessyFleet.FLEET));

    ReconcileReport next = f.engine.reconcile(f.spec().build()).await();

    assertThat(next.isComplete()).isTrue();
    // what the first one had drained shows up as left draining: finished either way
    assertThat(f.platform.instances(MessyFleet.FLEET)).extracting(Instance::id)
        .containsAll(f.clean).doesNotContainAnyElementsOf(f.findingIds());
    assertThat(f.platform.instances(MessyFleet.FLEET)).hasSize(10).allMatch(Instance::isHealthy);
  }

  @Test
  void whenReplacementsNeverBecomeHealthyTheReconcileFailsAndTheDriftedKeepServing() {
    MessyFleet f = new MessyFleet();
    f.launch(MessyFleet.OLD, 4);
    f.time.advance(Duration.ofMinutes(1));
    f.platform.script(MessyFleet.DECLARED.revision(), InstanceBehavior.defaults().neverHealthy());

    ReconcileReport report = f.engine.reconcile(f.spec().capacity(4)
        .rolling(RollingUpdate.defaults().withHealthyDeadline(Duration.ofMinutes(1))).build())
        .await();

    assertThat(report.run()).hasValueSatisfying(r -> {
      assertThat(r.phase()).isEqualTo(RolloutPhase.FAILED);
      assertThat(r.reason()).hasValueSatisfying(why -> assertThat(why)
          .contains("failed to become healthy"));
    });
    assertThat(report.findings(Finding.Kind.DRIFTED)).hasSize(4)
        .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(Outcome.NOT_DONE));
    assertThat(f.serving()).isEqualTo(4);
  }
}
