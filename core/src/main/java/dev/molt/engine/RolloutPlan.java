package dev.molt.engine;

import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a rollout would do, worked out by {@link RolloutEngine#plan} before anything is touched:
 * the real planners run against a copy of the observed fleet on an in-memory platform, in virtual
 * time, with the platform's expected latencies; gates are assumed to pass and manual promotions
 * to be given at once. A plan is an estimate: real latencies and failures will differ.
 *
 * @param fleet the fleet
 * @param strategy the strategy name
 * @param routed whether the platform has a traffic router (weights exact) or not (approximate)
 * @param desired the desired capacity
 * @param steps the steps in order, each with its start, traffic and rollback cost
 * @param peakInstances the most live instances at any moment (launching and draining included)
 * @param expectedDuration from start to end, waits for deployment windows included
 * @param windowWaits the waits for the spec's deployment windows (outside them, in a freeze, or
 *     paused at a window's end), in order; empty when the windows never hold the rollout
 */
public record RolloutPlan(
    String fleet,
    String strategy,
    boolean routed,
    int desired,
    List<Step> steps,
    int peakInstances,
    Duration expectedDuration,
    List<WindowWait> windowWaits) {

  /** Validates and copies the fields. */
  public RolloutPlan {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(strategy, "strategy");
    steps = Arguments.copyOf(steps, "steps");
    Arguments.nonNegative(expectedDuration, "expectedDuration");
    windowWaits = Arguments.copyOf(windowWaits, "windowWaits");
  }

  /**
   * A plan without waits for windows.
   *
   * @param fleet the fleet
   * @param strategy the strategy name
   * @param routed whether the platform has a traffic router
   * @param desired the desired capacity
   * @param steps the steps in order
   * @param peakInstances the most live instances at any moment
   * @param expectedDuration from start to end
   */
  public RolloutPlan(String fleet, String strategy, boolean routed, int desired, List<Step> steps,
      int peakInstances, Duration expectedDuration) {
    this(fleet, strategy, routed, desired, steps, peakInstances, expectedDuration, List.of());
  }

  /**
   * A wait for the rollout's deployment windows.
   *
   * @param startsAfter when it begins, from the rollout's start
   * @param lasts how long it lasts
   * @param detail why and until when, as the rollout's {@code OUTSIDE_WINDOW} wait says it, such
   *     as {@code waiting for window: opens Tue 2026-12-08 09:00 Europe/Berlin}
   */
  public record WindowWait(Duration startsAfter, Duration lasts, String detail) {
    /** Validates the fields. */
    public WindowWait {
      Arguments.nonNegative(startsAfter, "startsAfter");
      Arguments.nonNegative(lasts, "lasts");
      Arguments.notBlank(detail, "detail");
    }
  }

  /**
   * The plan as a table for people: one line per step with its start, what it does, the traffic
   * split once done, the instances it runs and the cost of rolling back from it, then the peak and
   * the expected duration. Durations are in {@link Durations#text} form.
   *
   * @return the text, lines ending in {@code \n}
   */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append("plan: ").append(strategy).append(" of fleet ").append(fleet).append(" (")
        .append(routed ? "traffic router: exact weights" : "no router: replica ratio")
        .append(")\n");
    out.append(String.format(Locale.ROOT, "  %-4s %-9s %-40s %-34s %-9s %s%n", "step", "at",
        "what", "traffic", "instances", "rollback from here"));
    for (Step s : steps) {
      RollbackCost r = s.rollback();
      String rollback = r.singleSwitch() ? "one traffic switch"
          : r.launches() + " launches, " + r.destroys() + " destroyed";
      out.append(String.format(Locale.ROOT, "  %-4d %-9s %-40s %-34s %-9d %s, ~%s%n", s.index(),
          Durations.text(s.startsAfter()), s.description(), traffic(s.traffic()), s.instances(),
          rollback, Durations.text(r.expectedTime())));
    }
    for (WindowWait w : windowWaits) {
      out.append("  window: at ").append(Durations.text(w.startsAfter())).append(" waits ")
          .append(Durations.text(w.lasts())).append(" (").append(w.detail()).append(")\n");
    }
    return out.append("  peak ").append(peakInstances).append(" instances (+")
        .append(peakOverDesired()).append(" over desired ").append(desired)
        .append("), expected duration ").append(Durations.text(expectedDuration))
        .append("; gates assumed to pass\n").toString();
  }

  /** @return {@link #toText()} */
  @Override
  public String toString() {
    return toText();
  }

  private static String traffic(Map<Revision, Integer> weights) {
    if (weights.isEmpty()) {
      return "-";
    }
    return weights.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey().id() + "=" + e.getValue() + "%").collect(Collectors.joining(" "));
  }

  /** @return how many instances above desired capacity run at the peak */
  public int peakOverDesired() {
    return Math.max(0, peakInstances - desired);
  }

  /**
   * One step of the plan.
   *
   * @param index the step's number, as {@link dev.molt.rollout.Rollout#step()} and the events'
   *     {@code step=} count it: a step-wise strategy's step index from 0, a rolling update's
   *     count of new instances ready
   * @param description what the step does, such as {@code set-weight 10%}
   * @param startsAfter when it starts, from the rollout's start
   * @param traffic the split once the step has done its work (empty: never set)
   * @param instances the most live instances during the step (launching and draining included)
   * @param rollback what rolling back from this step would cost
   */
  public record Step(int index, String description, Duration startsAfter,
      Map<Revision, Integer> traffic, int instances, RollbackCost rollback) {
    /** Copies the map. */
    public Step {
      traffic = Map.copyOf(traffic);
    }
  }

  /**
   * The cost of rolling back from a step.
   *
   * @param launches instances of the previous revision that must be launched again
   * @param destroys instances of the new revision to destroy
   * @param singleSwitch whether it is one traffic switch with nothing to launch
   * @param expectedTime how long until the previous revision serves alone again
   */
  public record RollbackCost(int launches, int destroys, boolean singleSwitch,
      Duration expectedTime) {}
}
