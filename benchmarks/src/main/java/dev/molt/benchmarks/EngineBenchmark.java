package dev.molt.benchmarks;

import dev.molt.Fleet;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutPlan;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engine's public calls on a large fleet, through exported API only: {@code n} healthy v1
 * instances on the in-memory platform, and a default rolling update (surge 25%, unavailable 0) to
 * v2. {@link #plan} is {@link RolloutEngine#plan}: every decision of the whole rollout, run by
 * the real planners on a copy of the fleet in virtual time; {@link #observe} is one observation
 * of the fleet as a rollout makes it (list, health, healthy streaks); {@link #snapshot} is
 * building the observed {@link Fleet} record that every observation makes before deciding.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {
  /** Desired capacity of the fleet. */
  @Param("10000")
  public int n;

  private RolloutEngine engine;
  private RolloutSpec spec;
  private Fleet seen;

  /** Seeds the platform and builds the engine. */
  @Setup
  public void setUp() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).build();
    Simulation.seed(platform, time, n, Latencies.defaults());
    engine = RolloutEngine.builder(platform).time(time).seed(1).build();
    spec = RolloutSpec.builder(Simulation.FLEET).capacity(n).target(Simulation.V2)
        .strategy(RollingUpdate.defaults()).progressDeadline(Duration.ofDays(1)).build();
    seen = engine.observe(Simulation.FLEET);
  }

  /** @return the plan of the whole rolling update */
  @Benchmark
  public RolloutPlan plan() {
    return engine.plan(spec);
  }

  /** @return the fleet as a rollout observes it */
  @Benchmark
  public Fleet observe() {
    return engine.observe(Simulation.FLEET);
  }

  /** @return the observed fleet record, validated, copied and sorted */
  @Benchmark
  public Fleet snapshot() {
    return new Fleet(Simulation.FLEET, n, List.copyOf(seen.instances()), seen.traffic());
  }
}
