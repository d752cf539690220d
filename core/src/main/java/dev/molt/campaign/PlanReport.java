package dev.molt.campaign;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a {@link CampaignPlan} off the end of a campaign run by {@link PlannedEffects}. */
final class PlanReport {
  private PlanReport() {}

  /**
   * @param spec the planned spec
   * @param end the simulated campaign's end
   * @param fleetHolds the fleets' pauses inside their planned rollouts
   * @return the plan
   */
  static CampaignPlan of(CampaignSpec spec, Campaign end, List<PlannedEffects.Hold> fleetHolds) {
    return new CampaignPlan(spec.name(), wavePlans(spec, end), end.elapsed(), end.peakExposure(),
        spec.exposureBudget(), spec.totalCapacity(), windowHolds(end, fleetHolds));
  }

  /**
   * The waves' waits to start (each {@code OUTSIDE_WINDOW} event until the campaign's next event)
   * and the fleets' pauses inside their rollouts, in the order they begin.
   */
  private static List<CampaignPlan.WindowHold> windowHolds(Campaign end,
      List<PlannedEffects.Hold> fleetHolds) {
    List<CampaignPlan.WindowHold> out = new ArrayList<>();
    List<CampaignEvent> history = end.history();
    for (int i = 0; i < history.size(); i++) {
      CampaignEvent e = history.get(i);
      if (e.type() == CampaignEvent.Type.OUTSIDE_WINDOW && e.wave().isPresent()) {
        Instant until = i + 1 < history.size() ? history.get(i + 1).at() : end.updatedAt();
        out.add(new CampaignPlan.WindowHold(e.wave().get(), Optional.empty(),
            Duration.between(end.startedAt(), e.at()), Duration.between(e.at(), until),
            e.detail()));
      }
    }
    for (PlannedEffects.Hold h : fleetHolds) {
      String wave = end.fleet(h.fleet()).orElseThrow().wave();
      out.add(new CampaignPlan.WindowHold(wave, Optional.of(h.fleet()),
          Duration.between(end.startedAt(), h.at()), h.lasts(), h.detail()));
    }
    out.sort(Comparator.comparing(CampaignPlan.WindowHold::startsAfter));
    return out;
  }

  private static List<CampaignPlan.WavePlan> wavePlans(CampaignSpec spec, Campaign end) {
    Map<String, Instant> started = new LinkedHashMap<>();
    Map<String, Instant> ended = new HashMap<>();
    Map<String, Instant> firstSeen = new HashMap<>();
    for (CampaignEvent e : end.history()) {
      e.wave().ifPresent(w -> firstSeen.putIfAbsent(w, e.at()));
      if (e.type() == CampaignEvent.Type.WAVE_STARTED) {
        started.put(e.wave().orElseThrow(), e.at());
      } else if (e.type() == CampaignEvent.Type.WAVE_ENDED) {
        ended.put(e.wave().orElseThrow(), e.at());
      }
    }
    List<CampaignPlan.WavePlan> out = new ArrayList<>();
    List<List<CampaignFleet>> members = spec.waveFleets();
    for (int i = 0; i < spec.waves().size(); i++) {
      Wave w = spec.waves().get(i);
      Instant start = started.get(w.name());
      Instant stop = ended.get(w.name());
      Instant next = i + 1 < spec.waves().size()
          ? firstSeen.get(spec.waves().get(i + 1).name()) : end.updatedAt();
      out.add(new CampaignPlan.WavePlan(w.name(), members.get(i).stream()
          .map(CampaignFleet::name).toList(), Duration.between(end.startedAt(), start),
          Duration.between(start, stop), Duration.between(stop, next), w.approval()));
    }
    return out;
  }
}
