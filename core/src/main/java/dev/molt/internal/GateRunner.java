package dev.molt.internal;

import dev.molt.Fleet;
import dev.molt.gate.Analysis;
import dev.molt.gate.AnalysisResult;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.gate.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Measures an {@link Analysis} on the engine's scheduler: observe the fleet, measure the gate,
 * judge, and either schedule the next measurement {@code interval} later or report the verdict.
 * Never blocks a tick; stops as soon as the rollout no longer wants the result. Not API.
 */
final class GateRunner {
  private final EngineContext engine;
  private final FleetObserver observer;
  private final String fleet;
  private final IntSupplier desired;

  GateRunner(EngineContext engine, FleetObserver observer, String fleet, IntSupplier desired) {
    this.engine = engine;
    this.observer = observer;
    this.fleet = fleet;
    this.desired = desired;
  }

  /**
   * Starts measuring.
   *
   * @param analyze what to measure
   * @param wanted false once the result would no longer be used (abort, step skipped)
   * @param done called once with the result
   */
  void start(Action.Analyze analyze, BooleanSupplier wanted, Consumer<AnalysisResult> done) {
    measure(analyze, new ArrayList<>(), wanted, done);
  }

  private void measure(Action.Analyze analyze, List<Measurement> so, BooleanSupplier wanted,
      Consumer<AnalysisResult> done) {
    if (!wanted.getAsBoolean()) {
      return;
    }
    observer.observe(fleet, desired.getAsInt())
        .thenApply(observed -> measureOnce(analyze, observed))
        .exceptionally(error -> Measurement.error("observing the fleet failed: " + error))
        .thenAccept(m -> {
          so.add(m);
          Analysis analysis = analyze.analysis();
          Optional<Verdict> verdict = analysis.judge(so);
          if (verdict.isPresent()) {
            done.accept(new AnalysisResult(verdict.get(), so));
          } else {
            Duration interval = analysis.interval();
            engine.scheduler().schedule(() -> measure(analyze, so, wanted, done), interval);
          }
        });
  }

  private Measurement measureOnce(Action.Analyze analyze, Fleet observed) {
    GateContext context = new GateContext(observed, analyze.canary(), analyze.baseline(),
        engine.clock().instant());
    try {
      return analyze.analysis().gate().measure(context);
    } catch (RuntimeException e) {
      return Measurement.error(analyze.analysis().gate().name() + " threw " + e);
    }
  }
}
