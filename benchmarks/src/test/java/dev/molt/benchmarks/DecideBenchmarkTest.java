package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.decide.Action;
import dev.molt.decide.Decision;
import org.junit.jupiter.api.Test;

/** The JMH state is the mid-rollout fleet its Javadoc describes (checked once, untimed). */
class DecideBenchmarkTest {

  @Test
  void theBenchmarkedStepDrainsAQuarterAndLaunchesNothing() {
    DecideBenchmark bench = new DecideBenchmark();
    bench.n = 40;
    bench.setUp();
    assertThat(bench.snapshot().instances()).hasSize(50);
    Decision d = bench.decide();
    assertThat(d.status()).isEqualTo(Decision.Status.CONTINUE);
    assertThat(d.actions()).hasSize(1).first().isInstanceOfSatisfying(Action.Drain.class,
        drain -> assertThat(drain.instances()).hasSize(10)
            .allMatch(i -> i.revision().equals(Simulation.V1.revision())));
  }
}
