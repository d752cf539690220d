package dev.molt.testkit;

import static dev.molt.testkit.MoltAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutSpec;
import org.junit.jupiter.api.Test;

class MoltAssertionsTest {
  private static final LaunchSpec V1 = SimulatedPlatform.spec("v1");
  private static final LaunchSpec V2 = SimulatedPlatform.spec("v2");

  @Test
  void passingAssertionsDescribeASuccessfulRollout() {
    SimulatedPlatform sim = SimulatedPlatform.create(5);
    sim.deploy("web", V1, 3);
    Recording recording = Recording.of(sim.provider(), "web");
    sim.listen(recording);

    Rollout done = sim.engine().run(RolloutSpec.builder("web").capacity(3).target(V2).build());

    assertThat(done).succeeded().hasEvent(RolloutEvent.Type.LAUNCHED);
    assertThat(sim.fleet("web")).isFullyOn(V2).hasNoOrphans().hasInstances(3)
        .hasHealthy(V2.revision(), 3);
    assertThat(recording).servingNeverBelow(3).totalNeverAbove(4)
        .hasTrafficHistory(java.util.List.of());
  }

  @Test
  void failureMessagesPrintTheFleetAndTheHistoryNotJustFalse() {
    SimulatedPlatform sim = SimulatedPlatform.create(5);
    Rollout done = sim.deploy("web", V1, 2);

    assertThatThrownBy(() -> assertThat(sim.fleet("web")).isFullyOn(V2))
        .hasMessageContaining("fully on " + V2.revision())
        .hasMessageContaining("web-00001 " + V1.revision() + " HEALTHY");
    assertThatThrownBy(() -> assertThat(done).isRolledBack())
        .hasMessageContaining("to be ROLLED_BACK, but it is SUCCEEDED")
        .hasMessageContaining("LAUNCHED action=launch count=2");
    Recording empty = Recording.of(sim.provider(), "web");
    assertThatThrownBy(() -> assertThat(empty).servingNeverBelow(1))
        .hasMessageContaining("nothing was recorded");
  }
}
