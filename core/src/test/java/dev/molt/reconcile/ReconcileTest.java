package dev.molt.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.rollout.RolloutPhase;
import dev.molt.reconcile.Finding.Kind;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.reconcile.Finding.Remedy;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Done when: 3 drifted, 1 tainted and 2 unhealthy instances in a 10-instance fleet are replaced
 * without serving capacity dropping below desired - maxUnavailable, and the report names each one
 * with its reason.
 */
class ReconcileTest {

  @ParameterizedTest(name = "maxSurge {0} maxUnavailable {1}")
  @CsvSource({"25%,0", "1,0", "2,2", "0,3", "0,1", "100%,0"})
  void replacesDriftedTaintedAndUnhealthyWithinTheLimits(String surge, String unavailable) {
    MessyFleet f = new MessyFleet().build();
    RollingUpdate limits = RollingUpdate.of(Amount.parse(surge), Amount.parse(unavailable));
    int floor = 10 - limits.unavailable(10);
    int ceiling = 10 + limits.surge(10);
    // two instances already fail their checks: the reconcile may not make things worse than that
    long before = f.serving();
    long guaranteed = Math.min(floor, before);
    List<String> violations = new ArrayList<>();
    f.listen((rollout, event) -> {
      long serving = f.serving();
      int total = f.platform.instances(MessyFleet.FLEET).size();
      if (serving < guaranteed || total > ceiling) {
        violations.add(event.type() + " at " + event.at() + ": serving=" + serving + " total="
            + total);
      }
    });

    ReconcileReport report = f.engine.reconcile(f.spec().rolling(limits).build()).await();

    assertThat(before).isEqualTo(8);
    assertThat(violations).as("serving >= %d, total <= %d", guaranteed, ceiling).isEmpty();
    assertThat(report.run()).hasValueSatisfying(
        r -> assertThat(r.phase()).isEqualTo(RolloutPhase.SUCCEEDED));
    assertThat(report.summary())
        .isEqualTo("replaced=6 terminated=0 drifted=3 tainted=1 unhealthy=2 orphans=0");
    assertNamed(report, f.drifted, Kind.DRIFTED, "runs revision " + MessyFleet.OLD.revision()
        + " (v1, ", "not the declared " + MessyFleet.DECLARED.revision() + " (v2)");
    assertNamed(report, f.tainted, Kind.TAINTED, "tainted: " + MessyFleet.TAINT);
    assertNamed(report, f.unhealthy, Kind.UNHEALTHY, "failing its health check since",
        "grace 30s");
    List<Instance> live = f.platform.instances(MessyFleet.FLEET);
    assertThat(live).hasSize(10).allSatisfy(i -> {
      assertThat(i.revision()).isEqualTo(MessyFleet.DECLARED.revision());
      assertThat(i.isHealthy()).isTrue();
      assertThat(i.labels()).doesNotContainKey(OwnerLabels.TAINTED);
    });
    assertThat(live).extracting(Instance::id).containsAll(f.clean)
        .doesNotContainAnyElementsOf(f.findingIds());
  }

  @Test
  void aFleetBelowItsCapacityIsBroughtBackToIt() {
    MessyFleet f = new MessyFleet();
    List<String> survivors = f.launch(MessyFleet.DECLARED, 3);
    f.time.advance(java.time.Duration.ofMinutes(1));

    ReconcileReport report = f.engine.reconcile(f.spec().capacity(5).build()).await();

    assertThat(report.findings()).isEmpty();
    assertThat(report.run().orElseThrow().events(dev.molt.rollout.RolloutEvent.Type.LAUNCHED))
        .isNotEmpty();
    assertThat(f.platform.instances(MessyFleet.FLEET)).hasSize(5).allMatch(Instance::isHealthy)
        .extracting(Instance::id).containsAll(survivors);
  }

  private static void assertNamed(ReconcileReport report, List<String> ids, Kind kind,
      String... reasonParts) {
    assertThat(report.findings(kind)).extracting(Finding::instanceId)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(report.findings(kind)).allSatisfy(finding -> {
      assertThat(finding.reason()).contains(reasonParts);
      assertThat(finding.remedy()).isEqualTo(Remedy.REPLACE);
      assertThat(finding.outcome()).isEqualTo(Outcome.DONE);
    });
  }
}
