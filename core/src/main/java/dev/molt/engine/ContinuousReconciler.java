package dev.molt.engine;

import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.FleetBusyException;
import dev.molt.Arguments;
import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reconciles one fleet over and over: a pass at once, then a pass {@code interval} after each pass
 * ends, on the injected scheduler, so passes never overlap each other. A pass never overlaps a
 * rollout either: the engine gives a fleet to one run at a time, and a pass that finds the fleet
 * busy is skipped (counted in {@link #skipped()}) and tried again after the interval. A pass that
 * fails (the platform is down) is logged and tried again after the interval.
 *
 * <pre>{@code
 * ContinuousReconciler loop = ContinuousReconciler.start(engine, scheduler, spec,
 *     Duration.ofMinutes(5), report -> metrics.record(report));
 * ...
 * loop.cancel(); // no new pass starts; one in progress runs to its end
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ContinuousReconciler implements Cancellable {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousReconciler.class);

  private final RolloutEngine engine;
  private final Scheduler scheduler;
  private final ReconcileSpec spec;
  private final Duration interval;
  private final Consumer<ReconcileReport> onReport;
  // guarded by this
  private boolean cancelled;
  private Cancellable next = Cancellable.none();
  private int passes;
  private int skipped;

  private ContinuousReconciler(RolloutEngine engine, Scheduler scheduler, ReconcileSpec spec,
      Duration interval, Consumer<ReconcileReport> onReport) {
    this.engine = engine;
    this.scheduler = scheduler;
    this.spec = spec;
    this.interval = interval;
    this.onReport = onReport;
  }

  /**
   * Starts reconciling; the first pass is scheduled at once.
   *
   * @param engine the engine that runs the passes (and any rollouts of the fleet)
   * @param scheduler where the interval passes; the engine's own scheduler
   * @param spec what each pass holds the fleet to (a dry-run spec only reports, every time)
   * @param interval the pause between the end of one pass and the start of the next, positive
   * @param onReport told about every finished pass, on the scheduler's thread; an exception it
   *     throws is logged and ignored
   * @return the running loop; {@link #cancel()} stops it
   * @throws dev.molt.InvalidSpecException naming a null argument or a non-positive interval
   */
  public static ContinuousReconciler start(RolloutEngine engine, Scheduler scheduler,
      ReconcileSpec spec, Duration interval, Consumer<ReconcileReport> onReport) {
    ContinuousReconciler loop = new ContinuousReconciler(Arguments.required(engine, "engine"),
        Arguments.required(scheduler, "scheduler"), Arguments.required(spec, "spec"),
        Arguments.positive(interval, "interval"), Arguments.required(onReport, "onReport"));
    loop.schedule(Duration.ZERO);
    return loop;
  }

  /** Stops the loop: no pass starts after this; a pass in progress runs to its end. */
  @Override
  public synchronized void cancel() {
    cancelled = true;
    next.cancel();
  }

  /** @return how many passes finished (with a report) */
  public synchronized int passes() {
    return passes;
  }

  /** @return how many passes were skipped because a rollout or reconcile held the fleet */
  public synchronized int skipped() {
    return skipped;
  }

  private synchronized void schedule(Duration delay) {
    if (!cancelled) {
      next = scheduler.schedule(this::pass, delay);
    }
  }

  private void pass() {
    synchronized (this) {
      if (cancelled) {
        return;
      }
    }
    ReconcileHandle handle;
    try {
      handle = engine.reconcile(spec);
    } catch (FleetBusyException e) {
      synchronized (this) {
        skipped++;
      }
      log(false, "action=reconcile-skipped holder=" + e.holder() + " retryIn=" + interval);
      schedule(interval);
      return;
    }
    handle.completion().whenComplete((report, error) -> {
      if (error != null) {
        log(true, "action=reconcile-failed error=\"" + error.getMessage() + "\" retryIn=" + interval);
      } else {
        synchronized (this) {
          passes++;
        }
        tell(report);
      }
      schedule(interval);
    });
  }

  private void tell(ReconcileReport report) {
    try {
      onReport.accept(report);
    } catch (RuntimeException e) {
      log(true, "action=report-listener-failed error=\"" + e + "\"");
    }
  }

  private void log(boolean warn, String message) {
    MDC.put("molt.fleet", spec.fleet());
    try {
      if (warn) {
        LOG.warn("fleet={} {}", spec.fleet(), message);
      } else {
        LOG.info("fleet={} {}", spec.fleet(), message);
      }
    } finally {
      MDC.remove("molt.fleet");
    }
  }
}
