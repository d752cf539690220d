package dev.molt.engine;

import dev.molt.Durations;
import dev.molt.decide.Action;
import dev.molt.gate.Analysis;
import dev.molt.gate.AnalysisResult;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.gate.Verdict;
import dev.molt.time.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Measures an {@link Analysis} on the engine's scheduler: observe the fleet, measure the gate,
 * judge, and either schedule the next measurement {@code interval} later or report the verdict.
 * Never blocks a tick; stops as soon as the rollout no longer wants the result.
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
   * @param measured called with each measurement and its number (from 1), as it is made
   * @param done called once with the result
   */
  void start(Action.Analyze analyze, BooleanSupplier wanted,
      BiConsumer<Integer, Measurement> measured, Consumer<AnalysisResult> done) {
    measure(analyze, new ArrayList<>(), wanted, measured, done);
  }

  private void measure(Action.Analyze analyze, List<Measurement> so, BooleanSupplier wanted,
      BiConsumer<Integer, Measurement> measured, Consumer<AnalysisResult> done) {
    if (!wanted.getAsBoolean()) {
      return;
    }
    measureOnce(analyze).thenAccept(m -> {
      so.add(m);
      measured.accept(so.size(), m);
      Analysis analysis = analyze.analysis();
      Optional<Verdict> verdict = analysis.judge(so);
      if (verdict.isPresent()) {
        done.accept(new AnalysisResult(verdict.get(), so));
      } else {
        Duration interval = analysis.interval();
        engine.scheduler().schedule(() -> measure(analyze, so, wanted, measured, done),
            interval);
      }
    });
  }

  /**
   * Observes the fleet and measures the gate once, within the analysis's timeout (which covers
   * both): whatever has not answered by then is an {@code ERROR} measurement, and a late answer
   * is ignored.
   */
  private CompletableFuture<Measurement> measureOnce(Action.Analyze analyze) {
    Gate gate = analyze.analysis().gate();
    Duration timeout = analyze.analysis().timeout();
    CompletableFuture<Measurement> result = new CompletableFuture<>();
    Cancellable timer = engine.scheduler().schedule(() -> result.complete(Measurement.error(
        gate.name() + " did not answer within " + Durations.text(timeout) + " (Analysis.timeout)")), timeout);
    observer.observe(fleet, desired.getAsInt())
        .thenCompose(observed -> gate.measureAsync(new GateContext(observed, analyze.canary(),
            analyze.baseline(), engine.clock().instant()), engine.scheduler()))
        .whenComplete((m, error) -> {
          timer.cancel();
          result.complete(error != null ? Measurement.error(gate.name() + " failed: "
              + unwrap(error)) : m != null ? m : Measurement.error(gate.name()
              + " returned no measurement"));
        });
    return result;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
