package dev.molt.benchmarks;

import dev.molt.testkit.faults.FaultCampaign;
import java.io.PrintStream;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The reliability campaign: {@code --schedules} random fault schedules drawn from {@code --seed},
 * each a rollout (or a reconcile of tainted or drifted instances) under injected faults, checked
 * against every invariant (floor, ceiling, drain first, traffic, traffic follows health, calls per
 * instant, ownership, end state, liveness) by the testkit's {@link FaultCampaign}. The faults:
 * platform call errors, refusals of launch, drain, set-weights and terminate, failing, never
 * healthy, flapping and slow new instances, hung and slow metric sources, old instances that flap
 * or are lost, a new revision failing after the switch, a person issuing controls in every phase,
 * and for a third an engine crash and resume; one schedule in ten is a campaign schedule instead, a
 * random patch-wave campaign over several fleets under the same faults, checked for its exposure
 * budget, concurrency, wave order, halting and end state. Prints the campaign's own lines ({@code violation
 * seed=<s> <schedule>: <what>} per violation, {@code faults strategy=<s> schedules=..} per
 * strategy and {@code faults strategy=campaign schedules=.. completed=.. halted=.. violations=..}, {@code classes: <c1>,<c2>,..} for the fault classes drawn), the wall time, and last
 * {@code schedules: <K> violations: <V>}; exits 1 if any invariant was violated. {@code --replay
 * <seed>} runs the one schedule a violation line named instead.
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
    FaultCampaign.Report outcome = FaultCampaign.runOne(seed);
    out.println("replay: seed=" + seed + " " + outcome.schedule());
    String end = outcome.end().equals("unfinished") ? outcome.end()
        : outcome.end().toUpperCase(Locale.ROOT);
    out.println("ended: " + end + (outcome.crashed() ? " after a crash and resume" : ""));
    out.println("classes: " + String.join(",", new TreeSet<>(outcome.classes())));
    outcome.violations().forEach(v -> out.println("violation seed=" + seed + ": " + v));
    out.println("violations: " + outcome.violations().size());
    return outcome.violations().isEmpty() ? 0 : 1;
  }
}
