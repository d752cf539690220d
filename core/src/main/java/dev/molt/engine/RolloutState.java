package dev.molt.engine;

import dev.molt.decide.FailureCauses;
import dev.molt.decide.TrafficGuard;
import dev.molt.decide.StepState;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StepRecord;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.time.Instant;
import dev.molt.gate.AnalysisResult;
import dev.molt.gate.Measurement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The recorded state of one rollout and the one place that changes it: every change appends an
 * event, publishes a new {@link Rollout} snapshot, logs one {@code key=value} line with the fleet
 * and rollout id in the MDC, and queues the event for the listeners, who hear it from {@link
 * #deliver} outside the lock. Thread-safe (all methods lock this).
 */
final class RolloutState {
  private static final Logger LOG = LoggerFactory.getLogger("dev.molt.rollout");

  private final String id;
  private final RolloutSpec spec;
  private final List<RolloutListener> listeners;
  private final List<RolloutEvent> history = new ArrayList<>();
  // recorded under this lock, told to the listeners by deliver() outside it, one thread at a time
  private final ArrayDeque<Delivery> undelivered = new ArrayDeque<>();
  private Thread deliverer; // the thread telling the listeners now, if any
  private final Instant startedAt;
  private RolloutPhase phase = RolloutPhase.PENDING;
  private Optional<Revision> from = Optional.empty();
  private LaunchSpec targetSpec;
  private int desired;
  private boolean rollingBack;
  private int step;
  private int totalSteps;
  private int replacements;
  // causes of the failed new instances replaced (FailureCauses keys); saved in the record, so a
  // resumed rollout goes on counting failures of the same cause
  private Map<String, Integer> failureCauses = Map.of();
  private Optional<String> reason = Optional.empty();
  private Optional<Wait> waiting = Optional.empty();
  private Instant lastProgressAt;
  private String progressKey = "";
  private long epoch;
  private volatile Rollout snapshot;
  // where a step-wise strategy is (see StepState); changed only through actions and controls
  private int stepIndex;
  private Instant stepStartedAt;
  private Optional<AnalysisResult> analysis = Optional.empty();
  private boolean analyzing;
  private Instant analysisStartedAt;
  private boolean holding;
  private boolean promoteFull;
  private Map<Revision, Integer> recordedTraffic = Map.of();
  private boolean begun;
  private int refusals;
  // weighted revisions seen with no healthy instance, since when (memory for the traffic guard)
  private Map<Revision, Instant> dark = Map.of();
  // the counts of the last OBSERVED event, so that only a change is recorded
  private String lastObserved = "";
  // since when a deployment window holds the run (null: not held)
  private Instant heldSince;
  // whether the run went on inside a window and has moved since without a pause: a FINISH
  // rollout then keeps going after the window's end
  private boolean windowPassed;

  /**
   * Restores the state saved in {@code record}, for an engine resuming it: phase, origin, rollback
   * target, progress and history as saved, with a fresh progress deadline from {@code now}.
   */
  static RolloutState restore(RolloutRecord record, Instant now, List<RolloutListener> listeners) {
    Rollout saved = record.rollout();
    RolloutState s = new RolloutState(saved.id(), record.spec(), saved.startedAt(), listeners);
    synchronized (s) {
      s.history.addAll(saved.history());
      s.phase = saved.phase();
      s.from = saved.from();
      s.step = saved.step();
      s.totalSteps = saved.totalSteps();
      s.replacements = saved.replacements();
      s.failureCauses = record.failureCauses();
      s.reason = saved.reason();
      s.waiting = saved.waiting();
      s.lastProgressAt = now;
      record.steps().ifPresent(s::restoreSteps);
      s.rollingBack = saved.phase() == RolloutPhase.ABORTING;
      s.begun = saved.history().stream().anyMatch(e -> e.type() == Type.STARTED);
      boolean held = saved.waiting().filter(w -> w.reason() == Wait.Reason.OUTSIDE_WINDOW)
          .isPresent();
      s.heldSince = held ? now : null;
      s.windowPassed = s.begun && !held && (s.phase == RolloutPhase.PROGRESSING
          || s.phase == RolloutPhase.PROMOTING);
      saved.history().stream().filter(e -> e.type() == Type.OBSERVED)
          .reduce((first, second) -> second).ifPresent(e -> s.lastObserved = e.message());
      if (s.rollingBack) {
        s.targetSpec = record.previous().orElse(record.spec().target());
        s.desired = record.previous().isPresent() ? record.spec().capacity() : 0;
      }
      s.record(now, Type.RECOVERED, "action=recover phase=" + s.phase + " resumes="
          + record.resumes() + " step=" + s.step + "/" + s.totalSteps);
    }
    s.deliver();
    return s;
  }

  RolloutState(String id, RolloutSpec spec, Instant now, List<RolloutListener> listeners) {
    this.id = id;
    this.spec = spec;
    this.listeners = listeners;
    this.startedAt = now;
    this.lastProgressAt = now;
    this.targetSpec = spec.target();
    this.desired = spec.capacity();
    this.totalSteps = spec.capacity();
    this.stepStartedAt = now;
    this.analysisStartedAt = now;
    this.snapshot = build(now);
  }

  public String id() {
    return id;
  }

  Rollout snapshot() {
    return snapshot;
  }

  synchronized RolloutPhase phase() {
    return phase;
  }

  synchronized long epoch() {
    return epoch;
  }

  synchronized int desired() {
    return desired;
  }

  synchronized LaunchSpec targetSpec() {
    return targetSpec;
  }

  synchronized int replacements() {
    return replacements;
  }

  synchronized Map<String, Integer> failureCauses() {
    return failureCauses;
  }

  synchronized boolean rollingBack() {
    return rollingBack;
  }

  synchronized Optional<Revision> from() {
    return from;
  }

  synchronized Optional<String> reason() {
    return reason;
  }

  synchronized int step() {
    return step;
  }

  synchronized int totalSteps() {
    return totalSteps;
  }

  synchronized Instant lastProgressAt() {
    return lastProgressAt;
  }

  /** @return whether the origin was recorded (the first observation was made) */
  synchronized boolean begun() {
    return begun;
  }

  /**
   * Records the origin from the first observation. A rollout paused before it stays paused (the
   * origin is known all the same, so a later failure or undo goes back to it).
   */
  void begin(Instant now, Optional<Revision> stable) {
    try {
      synchronized (this) {
        begun = true;
        from = stable;
        if (phase == RolloutPhase.PENDING) {
          phase = RolloutPhase.PROGRESSING;
          lastProgressAt = now;
        }
        record(now, Type.STARTED, "phase=" + phase + " from=" + from.map(Revision::id).orElse("none")
            + " to=" + spec.target().revision() + " strategy=" + spec.strategy().name()
            + " capacity=" + spec.capacity());
      }
    } finally {
      deliver();
    }
  }

  /** Records a launch; its count is the request's (a platform may name fewer instances yet). */
  void launched(Instant now, dev.molt.spi.LaunchRequest request) {
    try {
      synchronized (this) {
        record(now, Type.LAUNCHED, "action=launch count=" + request.count() + " revision="
            + request.revision() + " version=" + request.spec().image().version());
      }
    } finally {
      deliver();
    }
  }

  void draining(Instant now, List<Instance> instances) {
    try {
      synchronized (this) {
        record(now, Type.DRAINING, "action=drain count=" + instances.size() + " instances="
            + ids(instances));
      }
    } finally {
      deliver();
    }
  }

  void terminated(Instant now, List<Instance> instances, boolean failed, String why) {
    try {
      synchronized (this) {
        if (failed) {
          replacements += instances.size();
          failureCauses = Map.copyOf(FailureCauses.plus(failureCauses, instances));
          record(now, Type.INSTANCE_FAILED, "action=replace count=" + instances.size()
              + " instances=" + ids(instances) + " replacements=" + replacements + " reason=\"" + why
              + "\"");
        }
        record(now, Type.TERMINATED, "action=terminate count=" + instances.size() + " instances="
            + ids(instances) + " reason=\"" + why + "\"");
      }
    } finally {
      deliver();
    }
  }

  void progress(Instant now, int newStep, int newTotal, String key) {
    try {
      synchronized (this) {
        if (!key.equals(progressKey)) {
          progressKey = key;
          lastProgressAt = now;
        }
        if (!rollingBack && (newStep != step || newTotal != totalSteps)) {
          step = newStep;
          totalSteps = newTotal;
          record(now, Type.PROGRESS, progressText());
        }
      }
    } finally {
      deliver();
    }
  }

  void pause(Instant now, Wait wait) {
    try {
      synchronized (this) {
        heldSince = null; // a pause replaces a window's hold; its resume meets the window again
        windowPassed = false;
        phase = RolloutPhase.PAUSED;
        reason = Optional.of(wait.detail());
        waiting = Optional.of(wait);
        record(now, Type.PAUSED, "phase=PAUSED wait=" + wait.reason() + " reason=\""
            + wait.detail() + "\"");
      }
    } finally {
      deliver();
    }
  }

  void resume(Instant now) {
    try {
      synchronized (this) {
        phase = RolloutPhase.PROGRESSING;
        replacements = 0;
        failureCauses = Map.of();
        lastProgressAt = now;
        reason = Optional.empty();
        waiting = Optional.empty();
        analysis = Optional.empty(); // after a failure pause, the step's analysis runs again
        record(now, Type.RESUMED, "phase=PROGRESSING action=resume");
        if (holding) {
          holding = false;
          advance(now, stepIndex + 1, "released");
        }
      }
    } finally {
      deliver();
    }
  }

  void startRollback(Instant now, String why, Optional<LaunchSpec> previous) {
    try {
      synchronized (this) {
        epoch++;
        holding = false;
        analyzing = false;
        rollingBack = true;
        heldSince = null; // a rollback is never held by a window
        phase = RolloutPhase.ABORTING;
        reason = Optional.of(why);
        waiting = Optional.empty();
        replacements = 0;
        failureCauses = Map.of();
        lastProgressAt = now;
        progressKey = "";
        if (previous.isPresent()) {
          targetSpec = previous.get();
          desired = spec.capacity();
        } else {
          desired = 0; // nothing to return to: remove what this rollout launched
        }
        record(now, Type.ABORTING, "phase=ABORTING to=" + (previous.isPresent()
            ? targetSpec.revision() : "none") + " reason=\"" + why + "\"");
      }
    } finally {
      deliver();
    }
  }

  void finish(Instant now, RolloutPhase end, Optional<String> why) {
    try {
      synchronized (this) {
        waiting = Optional.empty();
        heldSince = null;
        if (end == RolloutPhase.SUCCEEDED && step != totalSteps) {
          // progress reaches its end before the end is told, in a snapshot still in progress:
          // only the end event's snapshot is terminal (the store saves the last one it sees)
          step = totalSteps;
          record(now, Type.PROGRESS, progressText());
        }
        phase = end;
        if (why.isPresent()) {
          reason = why;
        }
        if (end == RolloutPhase.SUCCEEDED) {
          step = totalSteps;
        }
        Type type = switch (end) {
          case SUCCEEDED -> Type.SUCCEEDED;
          case ROLLED_BACK -> Type.ROLLED_BACK;
          default -> Type.FAILED;
        };
        record(now, type, "phase=" + end + " revision=" + targetSpec.revision()
            + reason.map(r -> " reason=\"" + r + "\"").orElse(""));
      }
    } finally {
      deliver();
    }
  }

  /**
   * Records an {@link Type#OBSERVED} event if the instances per revision and state in {@code
   * fleet} differ from the last recorded.
   */
  void observed(Instant now, Fleet fleet) {
    try {
      synchronized (this) {
        String counts = instanceCounts(fleet);
        if (!counts.equals(lastObserved)) {
          lastObserved = counts;
          record(now, Type.OBSERVED, counts);
        }
      }
    } finally {
      deliver();
    }
  }

  /** @return {@code instances: <rev>=<STATE>:<n>,... <rev>=...}, as {@link Type#OBSERVED} says */
  static String instanceCounts(Fleet fleet) {
    Map<String, Map<InstanceState, Integer>> counts = new TreeMap<>();
    for (Instance i : fleet.instances()) {
      if (i.state().isAlive()) {
        counts.computeIfAbsent(i.revision().id(), r -> new EnumMap<>(InstanceState.class))
            .merge(i.state(), 1, Integer::sum);
      }
    }
    if (counts.isEmpty()) {
      return "instances: none";
    }
    StringBuilder out = new StringBuilder("instances:");
    counts.forEach((rev, states) -> {
      out.append(' ').append(rev).append('=');
      StringJoiner parts = new StringJoiner(",");
      states.forEach((state, n) -> parts.add(state + ":" + n));
      out.append(parts);
    });
    return out.toString();
  }

  /**
   * Records a {@link Type#MEASURED} event for measurement {@code number} of the current step's
   * analysis, unless an abort or a control moved on meanwhile.
   */
  void measured(Instant now, long forEpoch, int step, String gate, int number, Measurement m) {
    try {
      synchronized (this) {
        if (forEpoch != epoch || step != stepIndex || phase.isTerminal()) {
          return;
        }
        StringBuilder line = new StringBuilder("step=").append(step).append(" gate=").append(gate)
            .append(" measurement=").append(number).append(" verdict=").append(m.verdict())
            .append(" detail=\"").append(m.detail().replace('"', '\'')).append('"');
        if (!m.metrics().isEmpty()) {
          StringJoiner metrics = new StringJoiner(",", " metrics=", "");
          m.metrics().forEach(r -> metrics.add(r.brief()));
          line.append(metrics);
        }
        record(now, Type.MEASURED, line.toString());
      }
    } finally {
      deliver();
    }
  }

  void providerError(Instant now, Throwable error) {
    try {
      synchronized (this) {
        record(now, Type.PROVIDER_ERROR, "action=observe-again error=\"" + describe(error) + "\"");
      }
    } finally {
      deliver();
    }
  }

  /** @return the message of the provider error inside {@code error} */
  static String describe(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return e instanceof ProviderException pe ? pe.getMessage() : String.valueOf(e);
  }

  /**
   * Counts an action the platform refused (after the call's own retries).
   *
   * @return refusals in a row, this one included
   */
  int refused(Instant now, Throwable error, String backoff) {
    try {
      synchronized (this) {
        refusals++;
        record(now, Type.PROVIDER_ERROR, "action=back-off refusals=" + refusals + " wait=" + backoff
            + " error=\"" + describe(error) + "\"");
        return refusals;
      }
    } finally {
      deliver();
    }
  }

  /** @return refusals in a row so far */
  synchronized int refusalsSoFar() {
    return refusals;
  }

  /** Actions went through: refusals in a row start from zero again. */
  synchronized void actedOk() {
    refusals = 0;
  }

  /**
   * Notes which weighted revisions have no healthy instance in {@code fleet} (and since when).
   *
   * @return the weighted revisions without a healthy instance, with the first moment seen so
   */
  synchronized Map<Revision, Instant> darkRevisions(Fleet fleet, Instant now) {
    dark = TrafficGuard.dark(dark, fleet, now);
    return dark;
  }

  /**
   * @return what a person must do for this rollout to go on, if it waits for one: held at a step
   *     ({@code promote()} or {@code resume()}) or paused ({@code resume()} or {@code abort()})
   */
  synchronized Optional<String> waitingFor() {
    if (phase != RolloutPhase.PAUSED) {
      return Optional.empty();
    }
    String control = holding ? "promote() or resume()" : "resume() (or abort())";
    return Optional.of("rollout " + id + " of fleet " + spec.fleet() + " waits for " + control
        + " at step " + step + "/" + totalSteps + (holding ? " (strategy step " + stepIndex + ")"
        : "") + ": " + reason.orElse("paused"));
  }

  synchronized StepState stepState(boolean routed) {
    return new StepState(stepIndex, stepStartedAt, analysis, analyzing, promoteFull, routed,
        recordedTraffic, from, analysisStartedAt);
  }

  /** @return where a step-wise strategy stands, to save; empty for rolling updates */
  synchronized Optional<StepRecord> stepRecord() {
    if (spec.strategy() instanceof RollingUpdate) {
      return Optional.empty();
    }
    return Optional.of(new StepRecord(stepIndex, stepStartedAt, analysis, holding, promoteFull,
        recordedTraffic));
  }

  /** An analysis still measuring when the record was saved is run again: it is not restored. */
  private void restoreSteps(StepRecord saved) {
    stepIndex = saved.index();
    stepStartedAt = saved.startedAt();
    analysis = saved.analysis();
    holding = saved.holding();
    promoteFull = saved.promoteFull();
    recordedTraffic = saved.traffic();
  }

  synchronized boolean holding() {
    return holding;
  }

  synchronized int stepIndex() {
    return stepIndex;
  }

  void advance(Instant now, int to, String what) {
    try {
      synchronized (this) {
        int done = stepIndex;
        stepIndex = to;
        waiting = Optional.empty();
        stepStartedAt = now;
        analysis = Optional.empty();
        analyzing = false;
        lastProgressAt = now;
        record(now, Type.STEP, "step=" + done + " done=" + what + " next=" + to);
      }
    } finally {
      deliver();
    }
  }

  void hold(Instant now, Wait wait) {
    try {
      synchronized (this) {
        holding = true;
        pause(now, wait);
      }
    } finally {
      deliver();
    }
  }

  /** A wait that ends by itself (a timed pause step, a delay): told once, while it lasts. */
  void await(Instant now, Wait wait) {
    try {
      synchronized (this) {
        if (!waiting.equals(Optional.of(wait))) {
          waiting = Optional.of(wait);
          record(now, Type.STEP, "step=" + stepIndex + " wait=" + wait.reason() + " detail=\""
              + wait.detail() + "\"" + wait.until().map(u -> " until=" + u).orElse(""));
        }
      }
    } finally {
      deliver();
    }
  }

  synchronized Optional<Wait> waiting() {
    return waiting;
  }

  /** @return whether a deployment window holds the run now */
  synchronized boolean heldForWindow() {
    return heldSince != null;
  }

  /** @return whether the run went on inside a window and has not been paused since */
  synchronized boolean windowPassed() {
    return windowPassed;
  }

  /**
   * A deployment window holds the run: {@code wait} is told once (a {@link Type#WINDOW} event),
   * and the time held does not count toward the progress deadline.
   */
  void holdForWindow(Instant now, Wait wait) {
    try {
      synchronized (this) {
        if (heldSince == null) {
          heldSince = now;
        }
        if (!waiting.equals(Optional.of(wait))) {
          waiting = Optional.of(wait);
          record(now, Type.WINDOW, "action=hold wait=" + wait.reason() + " detail=\""
              + wait.detail() + "\"" + wait.until().map(u -> " until=" + u).orElse(""));
        }
      }
    } finally {
      deliver();
    }
  }

  /**
   * The run may go on inside a window: a hold ends (its time moves the progress and analysis
   * deadlines on), and the run counts as having passed a window unless a person paused it.
   */
  void windowOpen(Instant now) {
    try {
      synchronized (this) {
        if (phase != RolloutPhase.PAUSED) {
          windowPassed = true;
        }
        if (heldSince == null) {
          return;
        }
        Duration held = Duration.between(heldSince, now);
        heldSince = null;
        lastProgressAt = lastProgressAt.plus(held);
        analysisStartedAt = analysisStartedAt.plus(held);
        if (waiting.filter(w -> w.reason() == Wait.Reason.OUTSIDE_WINDOW).isPresent()) {
          waiting = Optional.empty();
        }
        record(now, Type.WINDOW, "action=release held=" + dev.molt.Durations.text(held));
      }
    } finally {
      deliver();
    }
  }

  void promoteFull(Instant now) {
    try {
      synchronized (this) {
        promoteFull = true;
        record(now, Type.STEP, "step=" + stepIndex + " action=promote-full");
      }
    } finally {
      deliver();
    }
  }

  void analysisStarted(Instant now, int step, String gate) {
    try {
      synchronized (this) {
        analyzing = true;
        analysisStartedAt = now;
        record(now, Type.STEP, "step=" + step + " action=analyze gate=" + gate);
      }
    } finally {
      deliver();
    }
  }

  void analysisFinished(Instant now, long forEpoch, int step, AnalysisResult r) {
    try {
      synchronized (this) {
        if (forEpoch != epoch || step != stepIndex || phase.isTerminal()) {
          return; // an abort or a control moved on: the result no longer decides anything
        }
        analyzing = false;
        analysis = Optional.of(r);
        record(now, Type.ANALYZED, "step=" + step + " " + r.summary());
      }
    } finally {
      deliver();
    }
  }

  void trafficShifted(Instant now, Map<Revision, Integer> weights, boolean routed) {
    try {
      synchronized (this) {
        recordedTraffic = weights;
        StringBuilder line = new StringBuilder("traffic:");
        weights.forEach((rev, w) -> line.append(' ').append(rev.id()).append('=').append(w)
            .append('%'));
        if (weights.isEmpty()) {
          line.append(" even across serving instances");
        }
        record(now, Type.TRAFFIC_SHIFTED, line + (routed ? "" : " (effective, replica ratio)"));
      }
    } finally {
      deliver();
    }
  }

  /** The engine stopped driving the rollout: it may no longer hold the fleet's lease. */
  void leaseLost(Instant now, String message) {
    try {
      synchronized (this) {
        record(now, Type.LEASE_LOST, message);
      }
    } finally {
      deliver();
    }
  }

  void log(String message) {
    withMdc(() -> LOG.info("rollout={} fleet={} {}", id, spec.fleet(), message));
  }

  /** Called with this locked: the event is delivered by {@link #deliver} once the lock is free. */
  private void record(Instant now, Type type, String message) {
    RolloutEvent event = new RolloutEvent(now, type, phase, step, message);
    history.add(event);
    snapshot = build(now);
    if (type == Type.PROVIDER_ERROR || type == Type.LEASE_LOST) {
      withMdc(() -> LOG.warn("rollout={} fleet={} {}", id, spec.fleet(), message));
    } else if (type == Type.OBSERVED) {
      withMdc(() -> LOG.debug("rollout={} fleet={} {}", id, spec.fleet(), message));
    } else {
      log(message);
    }
    undelivered.add(new Delivery(snapshot, event));
  }

  /**
   * Tells the listeners of the events recorded so far, in order, with the fleet and rollout id in
   * the MDC, on the calling thread — never while this state's lock is held: a caller that still
   * holds it (a check-then-act block around several changes) leaves the events queued for the
   * next call after it lets go. One thread tells at a time; a call made while another thread (or
   * a listener on this one) is telling returns at once and that delivery tells these events too,
   * so every listener hears every event once, in the order they happened, and a control made
   * from a listener or beside a slow one never waits for it.
   */
  void deliver() {
    if (Thread.holdsLock(this)) {
      return;
    }
    while (true) {
      Delivery next;
      synchronized (this) {
        if (deliverer != null) {
          return; // that delivery (perhaps this thread's, a listener acting) tells these next
        }
        next = undelivered.poll();
        if (next == null) {
          return;
        }
        deliverer = Thread.currentThread();
      }
      try {
        withMdc(() -> tell(next));
      } finally {
        synchronized (this) {
          deliverer = null;
        }
      }
    }
  }

  private void tell(Delivery d) {
    for (RolloutListener listener : listeners) {
      try {
        listener.onEvent(d.rollout(), d.event());
      } catch (RuntimeException e) {
        LOG.warn("rollout={} fleet={} listener={} error=\"{}\"", id, spec.fleet(),
            listener.getClass().getName(), e.toString());
      }
    }
  }

  private String progressText() {
    return (spec.strategy() instanceof RollingUpdate ? "ready=" : "step=") + step + "/"
        + totalSteps + " revision=" + spec.target().revision();
  }

  private record Delivery(Rollout rollout, RolloutEvent event) {}

  private Rollout build(Instant now) {
    return new Rollout(id, spec.fleet(), spec.strategy().name(), from, spec.target().revision(),
        phase, step, totalSteps, replacements, history, reason, waiting, startedAt, now);
  }

  private void withMdc(Runnable body) {
    MDC.put("molt.fleet", spec.fleet());
    MDC.put("molt.rollout", id);
    try {
      body.run();
    } finally {
      MDC.remove("molt.fleet");
      MDC.remove("molt.rollout");
    }
  }

  private static String ids(List<Instance> instances) {
    int shown = Math.min(instances.size(), 5);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      out.append(i == 0 ? "" : ",").append(instances.get(i).id());
    }
    return instances.size() > shown ? out + ",+" + (instances.size() - shown) : out.toString();
  }
}
