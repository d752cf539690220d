package dev.molt.engine;

import dev.molt.decide.TrafficGuard;
import dev.molt.decide.StepState;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StepRecord;
import dev.molt.strategy.RollingUpdate;
import java.time.Instant;
import dev.molt.gate.AnalysisResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The recorded state of one rollout and the one place that changes it: every change appends an
 * event, publishes a new {@link Rollout} snapshot, logs one {@code key=value} line with the fleet
 * and rollout id in the MDC, and tells the listeners. Thread-safe (all methods lock this). Not API.
 */
final class RolloutState {
  private static final Logger LOG = LoggerFactory.getLogger("dev.molt.rollout");

  private final String id;
  private final RolloutSpec spec;
  private final List<RolloutListener> listeners;
  private final List<RolloutEvent> history = new ArrayList<>();
  private final Instant startedAt;
  private RolloutPhase phase = RolloutPhase.PENDING;
  private Optional<Revision> from = Optional.empty();
  private LaunchSpec targetSpec;
  private int desired;
  private boolean rollingBack;
  private int step;
  private int totalSteps;
  private int replacements;
  private Optional<String> reason = Optional.empty();
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
      s.reason = saved.reason();
      s.lastProgressAt = now;
      record.steps().ifPresent(s::restoreSteps);
      s.rollingBack = saved.phase() == RolloutPhase.ABORTING;
      s.begun = saved.history().stream().anyMatch(e -> e.type() == Type.STARTED);
      if (s.rollingBack) {
        s.targetSpec = record.previous().orElse(record.spec().target());
        s.desired = record.previous().isPresent() ? record.spec().capacity() : 0;
      }
      s.record(now, Type.RECOVERED, "action=recover phase=" + s.phase + " resumes="
          + record.resumes() + " step=" + s.step + "/" + s.totalSteps);
    }
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
  synchronized void begin(Instant now, Optional<Revision> stable) {
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

  synchronized void launched(Instant now, dev.molt.spi.LaunchRequest request, List<Instance> got) {
    record(now, Type.LAUNCHED, "action=launch count=" + got.size() + " revision="
        + request.revision() + " version=" + request.spec().image().version());
  }

  synchronized void draining(Instant now, List<Instance> instances) {
    record(now, Type.DRAINING, "action=drain count=" + instances.size() + " instances="
        + ids(instances));
  }

  synchronized void terminated(Instant now, List<Instance> instances, boolean failed, String why) {
    if (failed) {
      replacements += instances.size();
      record(now, Type.INSTANCE_FAILED, "action=replace count=" + instances.size()
          + " instances=" + ids(instances) + " replacements=" + replacements + " reason=\"" + why
          + "\"");
    }
    record(now, Type.TERMINATED, "action=terminate count=" + instances.size() + " instances="
        + ids(instances) + " reason=\"" + why + "\"");
  }

  synchronized void progress(Instant now, int newStep, int newTotal, String key) {
    if (!key.equals(progressKey)) {
      progressKey = key;
      lastProgressAt = now;
    }
    if (newStep != step || newTotal != totalSteps) {
      step = newStep;
      totalSteps = newTotal;
      record(now, Type.PROGRESS, "step=" + step + "/" + totalSteps + " ready=" + step
          + " revision=" + targetSpec.revision());
    }
  }

  synchronized void pause(Instant now, String why) {
    phase = RolloutPhase.PAUSED;
    reason = Optional.of(why);
    record(now, Type.PAUSED, "phase=PAUSED reason=\"" + why + "\"");
  }

  synchronized void resume(Instant now) {
    phase = RolloutPhase.PROGRESSING;
    replacements = 0;
    lastProgressAt = now;
    reason = Optional.empty();
    analysis = Optional.empty(); // after a failure pause, the step's analysis runs again
    record(now, Type.RESUMED, "phase=PROGRESSING action=resume");
    if (holding) {
      holding = false;
      advance(now, stepIndex + 1, "released");
    }
  }

  synchronized void startRollback(Instant now, String why, Optional<LaunchSpec> previous) {
    epoch++;
    holding = false;
    analyzing = false;
    rollingBack = true;
    phase = RolloutPhase.ABORTING;
    reason = Optional.of(why);
    replacements = 0;
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

  synchronized void finish(Instant now, RolloutPhase end, Optional<String> why) {
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

  synchronized void providerError(Instant now, Throwable error) {
    record(now, Type.PROVIDER_ERROR, "action=observe-again error=\"" + describe(error) + "\"");
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
  synchronized int refused(Instant now, Throwable error, String backoff) {
    refusals++;
    record(now, Type.PROVIDER_ERROR, "action=back-off refusals=" + refusals + " wait=" + backoff
        + " error=\"" + describe(error) + "\"");
    return refusals;
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

  synchronized void advance(Instant now, int to, String what) {
    stepIndex = to;
    stepStartedAt = now;
    analysis = Optional.empty();
    analyzing = false;
    lastProgressAt = now;
    record(now, Type.STEP, "strategy-step=" + to + " action=" + what);
  }

  synchronized void hold(Instant now, String why) {
    holding = true;
    pause(now, why);
  }

  synchronized void promoteFull(Instant now) {
    promoteFull = true;
    record(now, Type.STEP, "strategy-step=" + stepIndex + " action=promote-full");
  }

  synchronized void analysisStarted(Instant now, int step, String gate) {
    analyzing = true;
    analysisStartedAt = now;
    record(now, Type.STEP, "strategy-step=" + step + " action=analyze gate=" + gate);
  }

  synchronized void analysisFinished(Instant now, long forEpoch, int step, AnalysisResult r) {
    if (forEpoch != epoch || step != stepIndex || phase.isTerminal()) {
      return; // an abort or a control moved on: the result no longer decides anything
    }
    analyzing = false;
    analysis = Optional.of(r);
    record(now, Type.ANALYZED, "strategy-step=" + step + " " + r.summary());
  }

  synchronized void trafficShifted(Instant now, Map<Revision, Integer> weights, boolean routed) {
    recordedTraffic = weights;
    StringBuilder line = new StringBuilder("traffic:");
    weights.forEach((rev, w) -> line.append(' ').append(rev.id()).append('=').append(w)
        .append('%'));
    if (weights.isEmpty()) {
      line.append(" even across serving instances");
    }
    record(now, Type.TRAFFIC_SHIFTED, line + (routed ? "" : " (effective, replica ratio)"));
  }

  void log(String message) {
    withMdc(() -> LOG.info("rollout={} fleet={} {}", id, spec.fleet(), message));
  }

  private void record(Instant now, Type type, String message) {
    RolloutEvent event = new RolloutEvent(now, type, phase, step, message);
    history.add(event);
    snapshot = build(now);
    if (type == Type.PROVIDER_ERROR) {
      withMdc(() -> LOG.warn("rollout={} fleet={} {}", id, spec.fleet(), message));
    } else {
      log(message);
    }
    Rollout current = snapshot;
    for (RolloutListener listener : listeners) {
      try {
        listener.onEvent(current, event);
      } catch (RuntimeException e) {
        withMdc(() -> LOG.warn("rollout={} listener={} error=\"{}\"", id,
            listener.getClass().getName(), e.toString()));
      }
    }
  }

  private Rollout build(Instant now) {
    return new Rollout(id, spec.fleet(), spec.strategy().name(), from, spec.target().revision(),
        phase, step, totalSteps, replacements, history, reason, startedAt, now);
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
