package dev.molt.campaign;

import dev.molt.Durations;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.gate.Verdict;
import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Measures a wave's bake gates after its bake: every {@link Analysis} of the wave on every fleet
 * of the wave that succeeded, the rebuilt revision as the canary and the previous one as the
 * baseline, each measurement bounded by the analysis's timeout on the scheduler, exactly as a
 * rollout's analysis step measures. Never blocks.
 */
final class BakeGates {
  private final Map<String, RolloutEngine> engines;
  private final CampaignSpec spec;
  private final Scheduler scheduler;
  private final Clock clock;

  BakeGates(Map<String, RolloutEngine> engines, CampaignSpec spec, Scheduler scheduler,
      Clock clock) {
    this.engines = engines;
    this.spec = spec;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** @return completes with the first failure found, or empty if every analysis passed */
  CompletableFuture<Optional<String>> measure(Wave wave, List<FleetProgress> fleets) {
    List<CompletableFuture<Optional<String>>> all = new ArrayList<>();
    for (FleetProgress f : fleets) {
      for (Analysis a : wave.gates()) {
        CompletableFuture<Optional<String>> one = new CompletableFuture<>();
        measure(f, a, new ArrayList<>(), one);
        all.add(one);
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> all
        .stream().map(CompletableFuture::join).flatMap(Optional::stream).findFirst());
  }

  private void measure(FleetProgress fleet, Analysis analysis, List<Measurement> so,
      CompletableFuture<Optional<String>> done) {
    once(fleet, analysis).thenAccept(m -> {
      so.add(m);
      Optional<Verdict> verdict = analysis.judge(so);
      if (verdict.isEmpty()) {
        scheduler.schedule(() -> measure(fleet, analysis, so, done), analysis.interval());
      } else if (verdict.get() == Verdict.PASS) {
        done.complete(Optional.empty());
      } else {
        done.complete(Optional.of("gate " + analysis.gate().name() + " on fleet " + fleet.fleet()
            + ": " + verdict.get() + " (" + m.detail() + ")"));
      }
    });
  }

  private CompletableFuture<Measurement> once(FleetProgress fleet, Analysis analysis) {
    CompletableFuture<Measurement> result = new CompletableFuture<>();
    Cancellable timer = scheduler.schedule(() -> result.complete(Measurement.error(
        analysis.gate().name() + " did not answer within " + Durations.text(analysis.timeout())
        + " (Analysis.timeout)")), analysis.timeout());
    RolloutEngine engine = engines.get(engineOf(fleet.fleet()));
    engine.observeAsync(fleet.fleet())
        .thenCompose(observed -> analysis.gate().measureAsync(new GateContext(observed,
            fleet.target().orElse(fleet.from()), Optional.of(fleet.from()), clock.instant()),
            scheduler))
        .whenComplete((m, error) -> {
          timer.cancel();
          result.complete(error != null ? Measurement.error(analysis.gate().name() + " failed: "
              + EngineEffects.unwrap(error)) : m != null ? m : Measurement.error(
              analysis.gate().name() + " returned no measurement"));
        });
    return result;
  }

  private String engineOf(String fleet) {
    return spec.fleets().stream().filter(f -> f.name().equals(fleet)).findFirst()
        .map(CampaignFleet::engine).orElseThrow();
  }
}
