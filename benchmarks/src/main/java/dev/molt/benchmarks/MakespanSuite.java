package dev.molt.benchmarks;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Simulated rollouts against the ideal schedule: for every case and fleet size, one line {@code
 * makespan strategy=<s> n=<N> <settings> ideal=<d> actual=<d> ratio=<r>}, then the worst ratio.
 */
final class MakespanSuite implements Suite {

  @Override
  public String name() {
    return "makespan";
  }

  @Override
  public String summary() {
    return "simulated rollout makespan against the ideal schedule, per strategy setting and N";
  }

  @Override
  public int run(Options options, PrintStream out) {
    Format.header(out, name(), options);
    double worst = 0;
    String worstCase = "none";
    int cases = 0;
    for (StrategyCase c : StrategyCases.select(options.strategy())) {
      for (int n : options.sizes()) {
        Duration actual = Simulation.run(c, n, options.latencies(), options.poll(),
            options.notifications()).makespan();
        Duration ideal = c.ideal().of(n, options.latencies());
        out.println(line(c, n, ideal, actual));
        cases++;
        double ratio = ideal.isZero() ? 1 : (double) actual.toNanos() / ideal.toNanos();
        if (ratio > worst) {
          worst = ratio;
          worstCase = c.strategy() + " n=" + n + " " + c.settings();
        }
      }
    }
    out.println("cases: " + cases);
    out.println("worst_ratio: " + Format.decimal(worst, 3));
    out.println("worst_case: " + worstCase);
    return 0;
  }

  static String line(StrategyCase c, int n, Duration ideal, Duration actual) {
    return "makespan strategy=" + c.strategy() + " n=" + n + " " + c.settings() + " ideal="
        + Format.seconds(ideal) + " actual=" + Format.seconds(actual) + " ratio="
        + Format.ratio(actual, ideal);
  }
}
