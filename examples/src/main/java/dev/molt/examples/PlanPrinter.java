package dev.molt.examples;

import dev.molt.Revision;
import dev.molt.engine.RolloutPlan;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a {@link RolloutPlan} as a small table. */
final class PlanPrinter {
  private PlanPrinter() {}

  static void print(RolloutPlan plan, PrintStream out) {
    out.println("plan: " + plan.strategy() + " of fleet " + plan.fleet() + " ("
        + (plan.routed() ? "traffic router: exact weights" : "no router: replica ratio") + ")");
    out.printf("  %-4s %-9s %-48s %-34s %-9s %s%n", "step", "at", "what", "traffic", "instances",
        "rollback from here");
    for (RolloutPlan.Step s : plan.steps()) {
      RolloutPlan.RollbackCost r = s.rollback();
      String rollback = r.singleSwitch() ? "one traffic switch"
          : r.launches() + " launches, " + r.destroys() + " destroyed";
      out.printf("  %-4d %-9s %-48s %-34s %-9d %s, ~%s%n", s.index(),
          ProgressPrinter.format(s.startsAfter()), s.description(), traffic(s.traffic()),
          s.instances(), rollback, ProgressPrinter.format(r.expectedTime()));
    }
    out.println("  peak " + plan.peakInstances() + " instances (+" + plan.peakOverDesired()
        + " over desired " + plan.desired() + "), expected duration "
        + ProgressPrinter.format(plan.expectedDuration()) + "; gates assumed to pass");
  }

  static String traffic(Map<Revision, Integer> weights) {
    if (weights.isEmpty()) {
      return "-";
    }
    return weights.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey().id() + "=" + e.getValue() + "%").collect(Collectors.joining(" "));
  }
}
