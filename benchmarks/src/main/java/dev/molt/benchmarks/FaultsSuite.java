package dev.molt.benchmarks;

import dev.molt.testkit.faults.FaultCampaign;
import java.io.PrintStream;

/**
 * The reliability campaign: {@code --schedules} random fault schedules drawn from {@code --seed},
 * each a rollout under injected platform faults (and for a third an engine crash and resume),
 * checked against every invariant by the testkit's {@link FaultCampaign}. Prints the campaign's
 * own lines ({@code violation seed=<s> <schedule>: <what>} per violation, {@code faults
 * strategy=<s> schedules=..} per strategy), the wall time, and last {@code schedules: <K>
 * violations: <V>}; exits 1 if any invariant was violated. {@code --replay <seed>} runs the one
 * schedule a violation line named instead.
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
    if (options.replay().isPresent()) {
      return replay(options.replay().get(), out);
    }
    out.println("seed: " + options.seed());
    long start = System.nanoTime();
    FaultCampaign.Summary summary =
        FaultCampaign.run(options.schedules(), options.seed(), out::println);
    out.println("wall_s: " + Format.decimal((System.nanoTime() - start) / 1e9, 3));
    out.println(summary.verdict());
    return summary.violations() == 0 ? 0 : 1;
  }

  /** Runs the one schedule drawn from {@code seed}, as its violation line named it. */
  private static int replay(long seed, PrintStream out) {
    FaultCampaign.Outcome outcome = FaultCampaign.runOne(seed);
    out.println("replay: seed=" + seed + " " + outcome.schedule());
    out.println("ended: " + outcome.phase().map(Enum::name).orElse("unfinished")
        + (outcome.crashed() ? " after a crash and resume" : ""));
    outcome.violations().forEach(v -> out.println("violation seed=" + seed + ": " + v));
    out.println("violations: " + outcome.violations().size());
    return outcome.violations().isEmpty() ? 0 : 1;
  }
}
