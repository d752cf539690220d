package dev.molt.benchmarks;

import dev.molt.testkit.faults.FaultCampaign;
import java.io.PrintStream;

/**
 * The reliability campaign: {@code --schedules} random fault schedules drawn from {@code --seed},
 * each a rollout under injected platform faults (and for a third an engine crash and resume),
 * checked against every invariant by the testkit's {@link FaultCampaign}. Prints the campaign's
 * own lines ({@code violation seed=<s> <schedule>: <what>} per violation, {@code faults
 * strategy=<s> schedules=..} per strategy), the wall time, and last {@code schedules: <K>
 * violations: <V>}; exits 1 if any invariant was violated.
 */
final class FaultsSuite implements Suite {

  @Override
  public String name() {
    return "faults";
  }

  @Override
  public String summary() {
    return "randomized fault schedules against the engine's invariants (testkit FaultCampaign)";
  }

  @Override
  public int run(Options options, PrintStream out) {
    out.println("suite: " + name());
    out.println("seed: " + options.seed());
    long start = System.nanoTime();
    FaultCampaign.Summary summary =
        FaultCampaign.run(options.schedules(), options.seed(), out::println);
    out.println("wall_s: " + Format.decimal((System.nanoTime() - start) / 1e9, 3));
    out.println(summary.verdict());
    return summary.violations() == 0 ? 0 : 1;
  }
}
