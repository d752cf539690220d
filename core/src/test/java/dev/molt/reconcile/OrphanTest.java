package dev.molt.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.Call;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Done when: orphans left by a simulated crash are terminated; instances without Molt's owner
 * labels are never touched, even when they look similar.
 */
class OrphanTest {
  private static final LaunchSpec BAD_BUILD = Fixtures.spec("3", "v3");

  @Test
  void orphansOfACrashedRolloutAreTerminatedAndLookalikesAreNeverTouched() {
    MessyFleet f = new MessyFleet();
    List<String> fleet = f.launch(MessyFleet.DECLARED, 6);
    f.time.advance(Duration.ofMinutes(1));
    f.platform.script(BAD_BUILD.revision(), InstanceBehavior.defaults().neverHealthy());
    String crashedRollout = crashMidRollout(f);
    List<Instance> orphans = f.platform.instances(MessyFleet.FLEET).stream()
        .filter(i -> i.revision().equals(BAD_BUILD.revision())).toList();
    addLookalikes(f);
    f.time.advance(Duration.ofMinutes(2));
    int callsBefore = f.platform.calls().size();

    ReconcileReport report = f.engine.reconcile(f.spec().capacity(6).build()).await();

    assertThat(orphans).hasSize(2);
    assertThat(report.summary())
        .isEqualTo("replaced=0 terminated=2 drifted=0 tainted=0 unhealthy=0 orphans=2");
    assertThat(report.findings(Finding.Kind.ORPHAN)).extracting(Finding::instanceId)
        .containsExactlyInAnyOrderElementsOf(orphans.stream().map(Instance::id).toList());
    assertThat(report.findings()).allSatisfy(o -> assertThat(o.reason())
        .contains("runs revision " + BAD_BUILD.revision(), "does not serve",
            "left by rollout " + crashedRollout));
    assertThat(orphans).noneMatch(o -> f.platform.isAlive(o.id()));
    assertThat(f.platform.instances(MessyFleet.FLEET)).extracting(Instance::id)
        .containsAll(fleet).contains("web-foreign-1", "web-foreign-2", "web-foreign-3");
    // the reconcile asked to terminate exactly the two orphans and drained nothing
    List<Call> acted = f.platform.calls().subList(callsBefore, f.platform.calls().size()).stream()
        .filter(c -> !c.operation().equals("observe") && !c.operation().equals("health"))
        .toList();
    assertThat(acted).extracting(Call::operation, Call::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("terminate", 2));
  }

  @Test
  void surplusAndInstancesLeftDrainingAreTerminatedWithoutDroppingBelowCapacity() {
    MessyFleet f = new MessyFleet();
    List<String> declared = f.launch(MessyFleet.DECLARED, 8);
    f.time.advance(Duration.ofMinutes(1));
    f.platform.drain(MessyFleet.FLEET, List.of(instance(f, declared.get(0))));
    addLookalikes(f);
    int[] lowest = {Integer.MAX_VALUE};
    f.listen((rollout, event) -> lowest[0] = Math.min(lowest[0], (int) f.serving()));

    ReconcileReport report = f.engine.reconcile(f.spec().capacity(6).build()).await();

    assertThat(report.summary())
        .isEqualTo("replaced=0 terminated=2 drifted=0 tainted=0 unhealthy=0 orphans=2");
    assertThat(report.finding(declared.get(0))).hasValueSatisfying(o ->
        assertThat(o.reason()).startsWith("left draining since"));
    assertThat(report.findings(Finding.Kind.ORPHAN)).filteredOn(o -> o.reason().startsWith("surplus"))
        .hasSize(1);
    assertThat(lowest[0]).isGreaterThanOrEqualTo(6);
    assertThat(f.platform.instances(MessyFleet.FLEET).stream()
        .filter(i -> OwnerLabels.isOwned(i.labels(), MessyFleet.FLEET))).hasSize(6);
    assertThat(f.platform.instances(MessyFleet.FLEET)).extracting(Instance::id)
        .contains("web-foreign-1", "web-foreign-2", "web-foreign-3");
  }

  /**
   * Starts a rollout to a bad build on an engine whose scheduler is then never driven again: the
   * controller "crashed" after launching, leaving instances nobody is rolling.
   */
  private static String crashMidRollout(MessyFleet f) {
    VirtualTime crashed = VirtualTime.startingAt(f.time.now());
    RolloutEngine doomed = RolloutEngine.builder(f.platform).clock(f.time.clock())
        .scheduler(crashed).seed(99).build();
    String id = doomed.start(Fixtures.rollout(BAD_BUILD, 6)
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))).build()).id();
    crashed.runDueTasks();
    return id;
  }

  /** Instances that look like the fleet's but that Molt did not create: one is even tainted. */
  private static void addLookalikes(MessyFleet f) {
    f.platform.addForeign("web-foreign-1", MessyFleet.FLEET, BAD_BUILD.revision(),
        Map.of(OwnerLabels.FLEET, MessyFleet.FLEET));
    f.platform.addForeign("web-foreign-2", MessyFleet.FLEET, Fixtures.V1.revision(),
        Map.of(OwnerLabels.MANAGED_BY, "someone-else", OwnerLabels.FLEET, MessyFleet.FLEET,
            OwnerLabels.TAINTED, "please replace me"));
    f.platform.addForeign("web-foreign-3", MessyFleet.FLEET, MessyFleet.DECLARED.revision(),
        Map.of(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER, OwnerLabels.FLEET, "api"));
  }

  private static Instance instance(MessyFleet f, String id) {
    return f.platform.instances(MessyFleet.FLEET).stream().filter(i -> i.id().equals(id))
        .findFirst().orElseThrow();
  }
}
