package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a campaign would do, worked out by {@link Campaigns#plan} before anything is touched: the
 * campaign's own planner run in virtual time, each fleet's rollout taking the duration its
 * engine's {@code plan()} expects and succeeding, gates passing, approvals given at once. An
 * estimate: real latencies and failures differ.
 *
 * @param campaign the spec's name
 * @param waves the waves in the order they run
 * @param expectedDuration from start to end
 * @param peakExposure the most instances counted against the budget at once
 * @param exposureBudget the budget, in instances
 * @param totalCapacity the capacity of all the spec's fleets
 * @param windowHolds the waits for the campaign's deployment windows, in the order they begin:
 *     a wave's fleets waiting to start, and (with {@code windowEnd} {@code PAUSE}) a fleet's
 *     rollout paused at a window's end; empty when the windows never hold the campaign
 */
public record CampaignPlan(String campaign, List<WavePlan> waves, Duration expectedDuration,
    int peakExposure, int exposureBudget, int totalCapacity, List<WindowHold> windowHolds) {

  /** Validates and copies the fields. */
  public CampaignPlan {
    Arguments.notBlank(campaign, "campaign");
    waves = Arguments.copyOf(waves, "waves");
    Arguments.nonNegative(expectedDuration, "expectedDuration");
    windowHolds = Arguments.copyOf(windowHolds, "windowHolds");
  }

  /**
   * A wait for a deployment window in a plan.
   *
   * @param wave the wave it falls in
   * @param fleet the fleet whose rollout is paused at a window's end; empty when the wave's
   *     fleets wait to start
   * @param startsAfter when it begins, from the campaign's start
   * @param lasts how long it holds
   * @param detail why, as the campaign's or the rollout's window event says
   */
  public record WindowHold(String wave, Optional<String> fleet, Duration startsAfter,
      Duration lasts, String detail) {
    /** Validates the fields. */
    public WindowHold {
      Arguments.notBlank(wave, "wave");
      Arguments.required(fleet, "fleet");
      Arguments.nonNegative(startsAfter, "startsAfter");
      Arguments.nonNegative(lasts, "lasts");
      Arguments.notBlank(detail, "detail");
    }
  }

  /**
   * One wave of a plan.
   *
   * @param name the wave's name
   * @param fleets its fleets, in the order they start
   * @param startsAfter when it starts, from the campaign's start
   * @param rollingFor from its start until its last fleet ended
   * @param bake its bake and gates after that
   * @param approval whether it waits for an approval first (assumed given at once)
   */
  public record WavePlan(String name, List<String> fleets, Duration startsAfter,
      Duration rollingFor, Duration bake, boolean approval) {
    /** Validates and copies the fields. */
    public WavePlan {
      Arguments.notBlank(name, "name");
      fleets = Arguments.copyOf(fleets, "fleets");
      Arguments.nonNegative(startsAfter, "startsAfter");
      Arguments.nonNegative(rollingFor, "rollingFor");
      Arguments.nonNegative(bake, "bake");
    }
  }

  /** @return {@link #peakExposure()} as a percentage of {@link #totalCapacity()} */
  public double peakExposurePercent() {
    return totalCapacity == 0 ? 0 : peakExposure * 100.0 / totalCapacity;
  }

  /**
   * The plan as a table for people: one line per wave with its start, how long its fleets roll,
   * its bake, and its fleets; one line per wait for a window; then the peak exposure and the
   * expected duration.
   *
   * @return the text, lines ending in {@code \n}
   */
  public String toText() {
    StringBuilder out = new StringBuilder("plan: campaign ").append(campaign).append(", ")
        .append(waves.size()).append(" waves\n");
    out.append(String.format(Locale.ROOT, "  %-4s %-10s %-9s %-9s %-9s %s%n", "wave", "name",
        "at", "rolling", "bake", "fleets"));
    for (int i = 0; i < waves.size(); i++) {
      WavePlan w = waves.get(i);
      out.append(String.format(Locale.ROOT, "  %-4d %-10s %-9s %-9s %-9s %s%s%n", i, w.name(),
          Durations.text(w.startsAfter()), Durations.text(w.rollingFor()),
          Durations.text(w.bake()), String.join(", ", w.fleets()),
          w.approval() ? " (after approval)" : ""));
    }
    for (WindowHold h : windowHolds) {
      out.append("  window: at ").append(Durations.text(h.startsAfter())).append(" wave ")
          .append(h.wave()).append(h.fleet().map(f -> " fleet " + f + " paused").orElse(
              " waits to start")).append(" for ").append(Durations.text(h.lasts())).append(" (")
          .append(h.detail()).append(")\n");
    }
    out.append(String.format(Locale.ROOT, "  peak exposure %d of %d instances (%.1f%%, budget"
        + " %d)%n", peakExposure, totalCapacity, peakExposurePercent(), exposureBudget));
    out.append("  expected duration ").append(Durations.text(expectedDuration)).append('\n');
    return out.toString();
  }

  /** @return {@link #toText()} */
  @Override
  public String toString() {
    return toText();
  }
}
