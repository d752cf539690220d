package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.InstanceState;
import dev.molt.engine.RolloutPlan;
import org.junit.jupiter.api.Test;

/** The JMH state is the fleet and rollout its Javadoc describes (checked once, untimed). */
class EngineBenchmarkTest {

  @Test
  void theBenchmarkedCallsSeeTheSeededFleetAndPlanTheWholeUpdate() {
    EngineBenchmark bench = new EngineBenchmark();
    bench.n = 40;
    bench.setUp();
    assertThat(bench.observe().instances()).hasSize(40)
        .allMatch(i -> i.state() == InstanceState.HEALTHY)
        .allMatch(i -> i.revision().equals(Simulation.V1.revision()));
    assertThat(bench.snapshot().instances()).hasSize(40);
    RolloutPlan plan = bench.plan();
    assertThat(plan.desired()).isEqualTo(40);
    // surge 25% of 40 = 10 per wave, unavailable 0: never more than 50 live, and the last step
    // leaves all traffic's capacity on v2
    assertThat(plan.peakInstances()).isEqualTo(50);
    assertThat(plan.steps()).isNotEmpty();
    assertThat(bench.observe().instances()).as("planning touches nothing").hasSize(40)
        .allMatch(i -> i.revision().equals(Simulation.V1.revision()));
  }
}
