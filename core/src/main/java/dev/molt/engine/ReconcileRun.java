package dev.molt.engine;

import dev.molt.decide.RollingPlanner;
import dev.molt.decide.PlanContext;
import dev.molt.decide.ReconcilePlanner;
import dev.molt.decide.FindingClassifier;
import dev.molt.Fleet;
import dev.molt.MoltException;
import dev.molt.rollout.Rollout;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.RolloutRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile. A dry run observes once and reports the findings. Otherwise the remedies run as
 * an engine run ({@link RolloutRun}) of the declared spec whose planner is a {@link
 * ReconcilePlanner}: the same observe, decide, act loop as a rollout, with its retries, events,
 * progress deadline and one-run-per-fleet rule. Thread-safe.
 */
final class ReconcileRun implements ReconcileHandle {
  private static final Logger LOG = LoggerFactory.getLogger("dev.molt.reconcile");

  private final EngineContext engine;
  private final String id;
  private final ReconcileSpec spec;
  private final ReconcileDecider planner;
  private final Optional<RolloutRun> run;
  private final CompletableFuture<ReconcileReport> completion = new CompletableFuture<>();
  private final Instant startedAt;

  /**
   * @param engine the engine's shared parts
   * @param id the reconcile id
   * @param spec the validated spec
   * @param memory the engine's record of when instances turned unhealthy
   */
  public ReconcileRun(EngineContext engine, String id, ReconcileSpec spec, UnhealthyMemory memory) {
    this(engine, id, spec, planner(engine, id, spec, memory), Optional.empty());
  }

  /**
   * Resumes the reconcile another engine saved: a reconcile again, deciding from the observed fleet.
   *
   * @param engine the engine's shared parts
   * @param record what was saved; {@link RolloutRecord#reconcile()} is present
   * @param memory the engine's record of when instances turned unhealthy
   */
  public ReconcileRun(EngineContext engine, RolloutRecord record, UnhealthyMemory memory) {
    this(engine, record.id(), record.reconcile().orElseThrow(), planner(engine, record.id(),
        record.reconcile().orElseThrow(), memory), Optional.of(record));
  }

  private ReconcileRun(EngineContext engine, String id, ReconcileSpec spec,
      ReconcileDecider planner, Optional<RolloutRecord> resumed) {
    this.engine = engine;
    this.id = id;
    this.spec = spec;
    this.startedAt = engine.clock().instant();
    this.planner = planner;
    this.run = spec.dryRun() ? Optional.empty() : Optional.of(resumed
        .map(r -> new RolloutRun(engine, r, planner))
        .orElseGet(() -> new RolloutRun(engine, id, spec, planner)));
  }

  private static ReconcileDecider planner(EngineContext engine, String id, ReconcileSpec spec,
      UnhealthyMemory memory) {
    return new ReconcileDecider(new ReconcilePlanner(new RollingPlanner(spec.rolling()),
        new FindingClassifier(spec.declared(), spec.unhealthyGrace(), engine::knownSpec, id)),
        memory);
  }

  /** @return the engine run to register for the fleet before {@link #start()}; empty if dry */
  public Optional<RolloutRun> engineRun() {
    return run;
  }

  /** Starts the reconcile. */
  public void start() {
    log("action=reconcile-start declared=" + spec.declared().revision() + " capacity="
        + spec.capacity() + " dryRun=" + spec.dryRun());
    if (run.isEmpty()) {
      new FleetObserver(engine.provider(), engine.calls(), engine.clock())
          .observe(spec.fleet(), spec.capacity())
          .thenApply(this::preview)
          .whenComplete(this::finish);
      return;
    }
    run.get().completion().thenApply(this::report).whenComplete(this::finish);
    run.get().start();
  }

  @Override
  public String id() {
    return id;
  }

  /** @return {@code ReconcileHandle[<id> <fleet> dry-run|acting, running|done]} */
  @Override
  public String toString() {
    return "ReconcileHandle[" + id() + " " + spec.fleet() + " " + (spec.dryRun() ? "dry-run"
        : "acting") + ", " + (completion.isDone() ? "done" : "running") + "]";
  }

  @Override
  public Optional<RolloutHandle> run() {
    return run.map(r -> r);
  }

  @Override
  public CompletableFuture<ReconcileReport> completion() {
    return completion;
  }

  @Override
  public ReconcileReport await() {
    try {
      return engine.scheduler().await(completion);
    } catch (CompletionException e) {
      throw e.getCause() instanceof MoltException m ? m : e;
    }
  }

  private ReconcileReport preview(Fleet fleet) {
    return report(planner.preview(new PlanContext(fleet, spec.declared(), spec.capacity(),
        engine.clock().instant(), 0, spec.drainTimeout())), Optional.empty());
  }

  private ReconcileReport report(Rollout done) {
    return report(planner.outcomes(), Optional.of(done));
  }

  private ReconcileReport report(List<Finding> findings, Optional<Rollout> done) {
    return new ReconcileReport(spec.fleet(), spec.declared().revision(), spec.dryRun(), findings,
        done, startedAt, engine.clock().instant());
  }

  private void finish(ReconcileReport report, Throwable error) {
    if (error != null) {
      completion.completeExceptionally(error);
      return;
    }
    for (Finding f : report.findings()) {
      log("finding instance=" + f.instanceId() + " kind=" + f.kind() + " remedy=" + f.remedy()
          + " outcome=" + f.outcome() + " reason=\"" + f.reason() + "\"");
    }
    log("action=reconcile-end " + report.summary()
        + report.run().map(r -> " phase=" + r.phase()).orElse(""));
    completion.complete(report);
  }

  private void log(String message) {
    MDC.put("molt.fleet", spec.fleet());
    MDC.put("molt.rollout", id);
    try {
      LOG.info("reconcile={} fleet={} {}", id, spec.fleet(), message);
    } finally {
      MDC.remove("molt.fleet");
      MDC.remove("molt.rollout");
    }
  }
}
