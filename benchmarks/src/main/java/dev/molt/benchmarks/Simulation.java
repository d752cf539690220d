package dev.molt.benchmarks;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.Call;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.LaunchRequest;
import dev.molt.time.VirtualTime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated rollout from v1 to v2 of a fleet of {@code n} on the in-memory provider in virtual
 * time, with its traffic router unless the case runs without one. The v1 fleet is put in place
 * through the provider directly (not timed, not counted); then the engine rolls it to v2 under the
 * case's strategy and default settings except the poll interval, and the rollout alone is measured:
 * its virtual makespan, the SPI calls it made, and the wall time and bytes allocated on this thread
 * (virtual time runs every task on the thread that drives it, so that is all of the engine's work).
 */
public final class Simulation {
  static final String FLEET = "bench";
  static final LaunchSpec V1 = spec('1', "v1");
  static final LaunchSpec V2 = spec('2', "v2");

  private Simulation() {}

  /**
   * Runs one simulated rollout.
   *
   * @param bench the strategy setting
   * @param n the fleet size
   * @param latencies the platform latencies
   * @param poll the engine's poll interval
   * @param notifications whether the platform tells the engine about changes ({@code watch});
   *     without, the engine sees them at its next poll
   * @return what it measured
   * @throws UsageException if the case's limits cannot move a fleet of {@code n}
   * @throws IllegalStateException if the rollout does not succeed
   */
  public static Result run(StrategyCase bench, int n, Latencies latencies, Duration poll,
      boolean notifications) {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider.Builder builder = InMemoryProvider.builder(time)
        .defaultBehavior(latencies.behavior());
    InMemoryProvider platform = (bench.router() ? builder : builder.withoutRouter()).build();
    seed(platform, time, n, latencies);
    RolloutEngine engine = RolloutEngine.builder(notifications ? platform
            : new PollingOnlyProvider(platform))
        .time(time).seed(1).pollInterval(poll).build();
    RolloutSpec spec = rolloutSpec(bench, n, latencies);
    int callsBefore = platform.calls().size();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long bytesBefore = threads.getCurrentThreadAllocatedBytes();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long wallBefore = System.nanoTime();
    Rollout done = engine.run(spec);
    long wall = System.nanoTime() - wallBefore;
    long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
    long bytes = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
    if (done.phase() != RolloutPhase.SUCCEEDED) {
      throw new IllegalStateException("simulated rollout " + bench.strategy() + " "
          + bench.settings() + " n=" + n + " ended " + done.phase() + ": "
          + done.reason().orElse("no reason"));
    }
    List<Call> calls = platform.calls();
    return new Result(done.elapsed(), countByOperation(calls.subList(callsBefore, calls.size())),
        Duration.ofNanos(wall), Duration.ofNanos(cpu), bytes);
  }

  /** Deadlines far above every latency, so that no timeout ever shapes a wave. */
  private static RolloutSpec rolloutSpec(StrategyCase bench, int n, Latencies latencies) {
    return RolloutSpec.builder(FLEET).capacity(n).target(V2)
        .strategy(bench.build(n))
        .progressDeadline(Duration.ofDays(1))
        .drainTimeout(latencies.drain().plus(Duration.ofMinutes(1)))
        .build();
  }

  /** Launches {@code n} v1 instances and lets them become healthy, outside any rollout. */
  static void seed(InMemoryProvider platform, VirtualTime time, int n, Latencies l) {
    if (n > 0) {
      platform.launch(new LaunchRequest(FLEET, V1, n, "seed", "seed-1"));
    }
    time.advance(l.untilReady());
    time.runUntilIdle();
  }

  private static Map<String, Long> countByOperation(List<Call> calls) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Call c : calls) {
      counts.merge(c.operation(), 1L, Long::sum);
    }
    return counts;
  }

  private static LaunchSpec spec(char digest, String version) {
    return LaunchSpec.builder(Image.of("registry.example/bench@sha256:"
            + String.valueOf(digest).repeat(64), version))
        .ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
  }

  /**
   * What one simulated rollout measured.
   *
   * @param makespan virtual time from start to success
   * @param calls provider SPI calls by operation name, in first-call order
   * @param wall wall-clock time of the rollout on this machine
   * @param cpu CPU time of the driving thread (no GC or JIT threads): less noisy than {@code wall}
   *     on a shared machine
   * @param allocatedBytes bytes allocated by the driving thread during the rollout
   */
  public record Result(Duration makespan, Map<String, Long> calls, Duration wall, Duration cpu,
      long allocatedBytes) {
    /** Copies the call counts. */
    public Result {
      calls = Map.copyOf(calls);
    }

    /** @return calls of {@code operation}, 0 if none */
    public long calls(String operation) {
      return calls.getOrDefault(operation, 0L);
    }

    /** @return all calls */
    public long totalCalls() {
      return calls.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
