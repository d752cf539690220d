package dev.molt.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Provider SPI calls per simulated rollout: for every case and fleet size, one line {@code calls
 * strategy=<s> n=<N> <settings> launch=.. observe=.. health=.. drain=.. shift=.. terminate=..
 * per_instance=<x>}; then, per case, whether the observe count stayed the same across fleet sizes.
 */
final class CallsSuite implements Suite {
  /** The SPI operations always printed, in this order; any other operation seen is appended. */
  static final List<String> OPERATIONS =
      List.of("launch", "observe", "health", "drain", "shift", "terminate");

  @Override
  public String name() {
    return "calls";
  }

  @Override
  public String summary() {
    return "provider SPI calls by kind per rollout and per instance, per strategy setting and N";
  }

  @Override
  public void run(Options options, PrintStream out) {
    Format.header(out, name(), options);
    for (StrategyCase c : StrategyCases.select(options.strategy())) {
      List<Long> observes = new ArrayList<>();
      for (int n : options.sizes()) {
        Simulation.Result r = Simulation.run(c, n, options.latencies(), options.poll());
        out.println(line(c, n, r));
        observes.add(r.calls("observe"));
      }
      out.println("observe_by_n strategy=" + c.strategy() + " " + c.settings() + " sizes="
          + join(options.sizes()) + " observe=" + join(observes) + " independent_of_n="
          + (new LinkedHashSet<>(observes).size() == 1));
    }
  }

  static String line(StrategyCase c, int n, Simulation.Result r) {
    StringBuilder b = new StringBuilder("calls strategy=").append(c.strategy()).append(" n=")
        .append(n).append(' ').append(c.settings());
    Set<String> names = new LinkedHashSet<>(OPERATIONS);
    names.addAll(r.calls().keySet().stream().sorted().toList());
    for (String op : names) {
      b.append(' ').append(op).append('=').append(r.calls(op));
    }
    double perInstance = n == 0 ? 0 : (double) r.totalCalls() / n;
    return b.append(" per_instance=").append(Format.decimal(perInstance, 3)).toString();
  }

  private static String join(List<? extends Number> values) {
    StringBuilder b = new StringBuilder();
    for (Number v : values) {
      b.append(b.length() == 0 ? "" : ",").append(v);
    }
    return b.toString();
  }
}
