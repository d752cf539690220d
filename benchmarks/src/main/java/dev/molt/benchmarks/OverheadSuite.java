package dev.molt.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The engine's own cost: wall time, CPU time and allocation of whole simulated rolling updates of
 * the largest fleet size (default rolling strategy), then JMH figures for a whole plan, one observation and one
 * fleet snapshot at that size.
 */
final class OverheadSuite implements Suite {

  @Override
  public String name() {
    return "overhead";
  }

  @Override
  public String summary() {
    return "wall time and allocation of a whole simulated rolling update; JMH plan, observe, snapshot";
  }

  @Override
  public int run(Options options, PrintStream out) {
    int n = options.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
    StrategyCase c = StrategyCases.rolling("25%", "0");
    out.println("suite: " + name());
    out.println("simulation: " + c.strategy() + " " + c.settings());
    out.println("simulation_n: " + n);
    out.println("simulation_runs: " + options.runs());
    List<Simulation.Result> results = new ArrayList<>();
    for (int i = 0; i < options.runs(); i++) {
      results.add(Simulation.run(c, n, options.latencies(), options.poll(),
            options.notifications()));
    }
    out.println("simulation_wall_ms_each: " + each(results, r -> r.wall().toNanos()));
    out.println("simulation_wall_ms_first: " + Format.millis(results.get(0).wall()));
    out.println("simulation_wall_ms_median: " + medianMillis(results, r -> r.wall().toNanos()));
    out.println("simulation_cpu_ms_each: " + each(results, r -> r.cpu().toNanos()));
    out.println("simulation_cpu_ms_median: " + medianMillis(results, r -> r.cpu().toNanos()));
    out.println("simulation_allocated_mb_median: " + Format.decimal(
        median(results, Simulation.Result::allocatedBytes) / 1e6, 1));
    out.println("simulation_observe_calls: " + results.get(0).calls("observe"));
    jmh(options, n, out);
    return 0;
  }

  private static void jmh(Options options, int n, PrintStream out) {
    TimeValue second = TimeValue.seconds(1);
    org.openjdk.jmh.runner.options.Options jmh = new OptionsBuilder()
        .include(EngineBenchmark.class.getName() + "\\.")
        .param("n", Integer.toString(n))
        .forks(options.jmhForks())
        .warmupIterations(options.jmhIterations()).warmupTime(second)
        .measurementIterations(options.jmhIterations()).measurementTime(second)
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> runs;
    try {
      runs = new Runner(jmh).run();
    } catch (RunnerException e) {
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
    out.println("jmh_n: " + n);
    out.println("jmh_forks: " + options.jmhForks());
    out.println("jmh_iterations: " + options.jmhIterations());
    for (RunResult run : runs) {
      String method = run.getParams().getBenchmark();
      String key = method.substring(method.lastIndexOf('.') + 1);
      Result<?> primary = run.getPrimaryResult();
      out.println(key + "_us_per_op: " + Format.decimal(primary.getScore(), 1));
      out.println(key + "_us_per_op_error: " + Format.decimal(primary.getScoreError(), 1));
    }
  }

  private static String each(List<Simulation.Result> results, ToLongFunction<Simulation.Result> f) {
    StringBuilder b = new StringBuilder();
    for (Simulation.Result r : results) {
      b.append(b.length() == 0 ? "" : ",").append(Format.millis(Duration.ofNanos(f.applyAsLong(r))));
    }
    return b.toString();
  }

  private static String medianMillis(List<Simulation.Result> results,
      ToLongFunction<Simulation.Result> f) {
    return Format.millis(Duration.ofNanos(median(results, f)));
  }

  static long median(List<Simulation.Result> results, ToLongFunction<Simulation.Result> f) {
    long[] values = results.stream().mapToLong(f).sorted().toArray();
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
}
