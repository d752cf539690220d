package dev.molt.examples;

import static dev.molt.rollout.RolloutEvent.Type.INSTANCE_FAILED;
import static dev.molt.testkit.MoltAssertions.assertThat;

import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.testkit.MoltSimulation;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.faults.FaultPlan;
import org.junit.jupiter.api.Test;

/** A user's test suite: a fake fleet, a broken build, and the rollback asserted. */
@MoltSimulation
class BrokenBuildRollsBackTest {
  @Test
  void aBuildThatNeverBecomesHealthyIsRolledBack(SimulatedPlatform sim) {
    LaunchSpec v1 = SimulatedPlatform.spec("v1");
    LaunchSpec v2 = SimulatedPlatform.spec("v2");
    sim.deploy("checkout", v1, 4);
    sim.inject(FaultPlan.none().withNeverHealthy(1).onlyFor(v2.revision()));

    Rollout done = sim.engine().run(RolloutSpec.builder("checkout").capacity(4).target(v2).build());

    assertThat(done).isRolledBack().hasEvent(INSTANCE_FAILED);
    assertThat(sim.fleet("checkout")).isFullyOn(v1).hasNoOrphans().hasInstances(4);
  }
}
