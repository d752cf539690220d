package dev.molt.reconcile;

import dev.molt.engine.ReconcileHandle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.inmemory.Call;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.reconcile.Finding.Remedy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Done when: dry-run reports the same plan and changes nothing. */
class DryRunTest {

  @Test
  void aDryRunReportsTheSamePlanAsTheRealRunAndOnlyObserves() {
    MessyFleet f = new MessyFleet().build();
    List<Instance> before = f.platform.instances(MessyFleet.FLEET);
    int callsBefore = f.platform.calls().size();

    ReconcileReport first = f.engine.reconcile(f.spec().dryRun(true).build()).await();
    f.time.advance(Duration.ofSeconds(30)); // the unhealthy instances' grace runs out
    ReconcileReport plan = f.engine.reconcile(f.spec().dryRun(true).build()).await();

    assertThat(f.platform.calls().subList(callsBefore, f.platform.calls().size()))
        .extracting(Call::operation).containsOnly("observe", "health");
    assertThat(f.platform.instances(MessyFleet.FLEET)).isEqualTo(before);
    assertThat(first.dryRun()).isTrue();
    assertThat(first.run()).isEmpty();
    assertThat(first.findings(Finding.Kind.UNHEALTHY)).extracting(Finding::remedy)
        .containsOnly(Remedy.REPLACE_IF_STILL_FAILING);
    assertThat(plan.findings()).extracting(Finding::outcome).containsOnly(Outcome.PLANNED);
    assertThat(plan.summary()).isEqualTo(
        "would-replace=6 would-terminate=0 drifted=3 tainted=1 unhealthy=2 orphans=0");

    ReconcileReport done = f.engine.reconcile(f.spec().build()).await();

    assertThat(done.findings()).extracting(Finding::instanceId, Finding::kind, Finding::remedy)
        .containsExactlyElementsOf(plan.findings().stream()
            .map(p -> org.assertj.core.groups.Tuple.tuple(p.instanceId(), p.kind(), p.remedy()))
            .toList());
    assertThat(done.findings()).extracting(Finding::outcome).containsOnly(Outcome.DONE);
  }

  @Test
  void aDryRunIsNotRefusedWhileTheFleetIsBusyAndDoesNotHoldIt() {
    MessyFleet f = new MessyFleet().build();
    ReconcileHandle acting = f.engine.reconcile(f.spec().build());

    ReconcileReport plan = f.engine.reconcile(f.spec().dryRun(true).build()).await();

    assertThat(plan.findings()).isNotEmpty();
    assertThat(acting.await().replaced()).isEqualTo(6);
  }
}
