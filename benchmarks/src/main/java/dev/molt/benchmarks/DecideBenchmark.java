package dev.molt.benchmarks;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.decide.Decision;
import dev.molt.decide.PlanContext;
import dev.molt.decide.RollingPlanner;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * One engine step on a large fleet during a default rolling update (surge 25%, unavailable 0), at
 * the moment the first wave is ready: {@code n} old instances serve and {@code n / 4} new ones are
 * ready ({@code 1.25 n} in all). The planner drains {@code n / 4} old ones and launches nothing
 * (the surge is used). {@link #decide} is the pure decision; {@link #snapshot} is building the
 * observed {@link Fleet} record that every observation makes before deciding.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecideBenchmark {
  /** Desired capacity of the fleet. */
  @Param("10000")
  public int n;

  private RollingPlanner planner;
  private PlanContext context;
  private List<Instance> instances;

  /** Builds the fleet. */
  @Setup
  public void setUp() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Instant now = start.plus(Duration.ofMinutes(2));
    instances = new ArrayList<>(n * 5 / 4);
    add(Simulation.V1, n, InstanceState.HEALTHY, start);
    add(Simulation.V2, n / 4, InstanceState.HEALTHY, now.minusSeconds(30));
    RollingUpdate strategy = RollingUpdate.defaults();
    planner = new RollingPlanner(strategy);
    context = new PlanContext(snapshot(), Simulation.V2, n, now, 0, Duration.ofSeconds(30));
  }

  private void add(LaunchSpec spec, int count, InstanceState state, Instant launched) {
    Map<String, String> labels = OwnerLabels.of(Simulation.FLEET, spec.revision(), "bench");
    for (int i = 0; i < count; i++) {
      String id = Simulation.FLEET + "-" + spec.image().version() + "-" + i;
      Optional<Instant> healthy = state == InstanceState.HEALTHY
          ? Optional.of(launched.plusSeconds(30)) : Optional.empty();
      instances.add(new Instance(id, Simulation.FLEET, spec.revision(), Optional.of("10.0.0.1:80"),
          state, launched, launched, healthy, labels));
    }
  }

  /** @return the decision for the mid-rollout fleet */
  @Benchmark
  public Decision decide() {
    return planner.decide(context);
  }

  /** @return the observed fleet record, validated, copied and sorted */
  @Benchmark
  public Fleet snapshot() {
    return new Fleet(Simulation.FLEET, n, instances, Map.of());
  }
}
