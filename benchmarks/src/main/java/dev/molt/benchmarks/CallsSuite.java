package dev.molt.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider SPI calls per simulated rollout: for every case and fleet size, one line {@code calls
 * strategy=<s> n=<N> <settings> launch=.. observe=.. health=.. drain=.. shift=.. terminate=..
 * per_instance=<x>}; then, per case, the observe calls across fleet sizes and per poll interval.
 */
final class CallsSuite implements Suite {
  /**
   * The columns always printed, in this order, and the operation each counts as the provider
   * records it ({@code shift} is the traffic router's {@code set-weights}); any other operation
   * seen is appended under its own name.
   */
  static final Map<String, String> COLUMNS = columns();

  private static Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    for (String op : List.of("launch", "observe", "health", "drain", "shift", "terminate")) {
      c.put(op, op.equals("shift") ? "set-weights" : op);
    }
    return Collections.unmodifiableMap(c);
  }

  @Override
  public String name() {
    return "calls";
  }

  @Override
  public String summary() {
    return "provider SPI calls by kind per rollout and per instance, per strategy setting and N";
  }

  @Override
  public int run(Options options, PrintStream out) {
    Format.header(out, name(), options);
    for (StrategyCase c : StrategyCases.select(options.strategy())) {
      List<String> observes = new ArrayList<>();
      List<String> perPoll = new ArrayList<>();
      for (int n : options.sizes()) {
        Simulation.Result r = Simulation.run(c, n, options.latencies(), options.poll(),
            options.notifications());
        out.println(line(c, n, r));
        observes.add(Long.toString(r.calls("observe")));
        perPoll.add(Format.decimal(observesPerPoll(r, options.poll()), 3));
      }
      out.println("observe_by_n strategy=" + c.strategy() + " " + c.settings() + " sizes="
          + String.join(",", options.sizes().stream().map(String::valueOf).toList())
          + " observe=" + String.join(",", observes) + " observe_per_poll="
          + String.join(",", perPoll));
    }
    return 0;
  }

  /**
   * Observe calls per poll interval of the rollout's virtual duration: about 1 when the engine
   * polls and a little more for the observations that platform changes trigger. One observation is
   * one {@code observe} call whatever N; the number of observations depends on the waves and the
   * poll interval.
   */
  static double observesPerPoll(Simulation.Result r, Duration poll) {
    double polls = (double) r.makespan().toNanos() / poll.toNanos();
    return polls == 0 ? 0 : r.calls("observe") / polls;
  }

  static String line(StrategyCase c, int n, Simulation.Result r) {
    StringBuilder b = new StringBuilder("calls strategy=").append(c.strategy()).append(" n=")
        .append(n).append(' ').append(c.settings());
    Map<String, String> columns = new LinkedHashMap<>(COLUMNS);
    r.calls().keySet().stream().sorted().filter(op -> !columns.containsValue(op))
        .forEach(op -> columns.put(op, op));
    columns.forEach((column, op) -> b.append(' ').append(column).append('=').append(r.calls(op)));
    double perInstance = n == 0 ? 0 : (double) r.totalCalls() / n;
    return b.append(" per_instance=").append(Format.decimal(perInstance, 3)).toString();
  }

}
