package dev.molt.engine;

import dev.molt.decide.TrafficGuard;
import dev.molt.decide.Planners;
import dev.molt.decide.Planner;
import dev.molt.decide.PlanContext;
import dev.molt.decide.Drains;
import dev.molt.decide.Decision;
import dev.molt.decide.Action;
import dev.molt.rollout.FailurePolicy;
import dev.molt.Arguments;
import dev.molt.Durations;
import dev.molt.Fleet;
import dev.molt.rollout.IllegalControlException;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutFailedException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.rollout.RolloutSpec;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.RolloutRecord;
import dev.molt.time.Cancellable;
import java.time.Duration;
import java.time.Instant;
import dev.molt.strategy.RollingUpdate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One rollout's loop: observe, decide, act, record, wait; and the controls that steer it. Ticks
 * never overlap: a trigger during a tick reruns it right after.
 */
final class RolloutRun implements RolloutHandle {
  private final EngineContext engine;
  private final RolloutSpec spec;
  private final Optional<ReconcileSpec> reconcile;
  private final Planner forward;
  private final FleetObserver observer;
  private final RolloutState state;
  private final ActionExecutor executor;
  private final StepControls controls;
  private final CompletableFuture<Rollout> completion = new CompletableFuture<>();
  private final List<ControlAnswer> storedAnswers;

  // guarded by this
  private boolean ticking;
  private boolean rerun;
  private boolean immediate;
  private boolean halted;
  private Cancellable wake = Cancellable.none();
  private Cancellable watch = Cancellable.none();
  // after a refused action or a failed observation, no tick before this (null: none)
  private Instant notBefore;

  /**
   * @param engine the engine's shared parts
   * @param id the rollout id
   * @param spec the validated spec
   */
  public RolloutRun(EngineContext engine, String id, RolloutSpec spec) {
    this(engine, spec, new RolloutState(id, spec, engine.clock().instant(), engine.listeners()), id,
        forward(spec), Optional.empty(), List.of());
  }

  /**
   * @param engine the engine's shared parts
   * @param id the run id
   * @param spec the validated spec
   * @param reconcile the reconcile this run carries out
   * @param forward the reconcile's planner, which moves the fleet toward its declared spec
   */
  public RolloutRun(EngineContext engine, String id, ReconcileSpec reconcile, Planner forward) {
    this(engine, reconcile.asRollout(), new RolloutState(id, reconcile.asRollout(),
        engine.clock().instant(), engine.listeners()), id, forward, Optional.of(reconcile),
        List.of());
  }

  /**
   * Resumes a rollout another engine saved, deciding from here on from the observed fleet.
   *
   * @param engine the engine's shared parts
   * @param record what was saved; its launch requests get keys of their own ({@code -r<n>-})
   */
  public RolloutRun(EngineContext engine, RolloutRecord record) {
    this(engine, record, forward(record.spec()));
  }

  /**
   * Resumes a saved run with a given forward planner (a resumed reconcile's).
   *
   * @param engine the engine's shared parts
   * @param record what was saved
   * @param forward the planner that moves the fleet forward
   */
  public RolloutRun(EngineContext engine, RolloutRecord record, Planner forward) {
    this(engine, record.spec(), RolloutState.restore(record, engine.clock().instant(),
        engine.listeners()), record.id() + "-r" + record.resumes(), forward, record.reconcile(),
        record.answers());
  }

  /** Taking a fleet to zero has no steps and no traffic to split: a rolling removal. */
  private static Planner forward(RolloutSpec spec) {
    return Planners.forStrategy(spec.capacity() == 0 ? RollingUpdate.defaults() : spec.strategy());
  }

  private RolloutRun(EngineContext engine, RolloutSpec spec, RolloutState state, String keys,
      Planner forward, Optional<ReconcileSpec> reconcile, List<ControlAnswer> storedAnswers) {
    this.engine = engine;
    this.storedAnswers = List.copyOf(storedAnswers);
    this.spec = spec;
    this.reconcile = reconcile;
    this.forward = forward;
    this.observer = new FleetObserver(engine.provider(), engine.calls(), engine.clock());
    this.state = state;
    this.executor = new ActionExecutor(engine, spec.fleet(), state.id(), keys, state, Optional.of(
        new GateRunner(engine, observer, spec.fleet(), state::desired)), this::trigger,
        this::mayAct);
    this.controls = new StepControls(engine, spec, state);
  }

  /** @return where a step-wise strategy stands, for the store; empty for rolling updates */
  public Optional<dev.molt.store.StepRecord> stepRecord() {
    return state.stepRecord();
  }

  /** @return the reconcile this run carries out; empty for a rollout */
  public Optional<ReconcileSpec> reconcileSpec() {
    return reconcile;
  }

  /** @return the causes of the failed new instances replaced so far, for the saved record */
  Map<String, Integer> failureCauses() {
    return state.failureCauses();
  }

  /** @return the answers to control requests in the record this run was resumed from */
  List<ControlAnswer> storedAnswers() {
    return storedAnswers;
  }

  /**
   * Applies a control requested through the store, as its handle method would.
   *
   * @throws IllegalControlException if it is not valid in the rollout's phase
   */
  void apply(ControlRequest request) {
    state.log("action=control request=" + request.id() + " control=" + request.control()
        + " by=" + request.requestedBy());
    switch (request.control()) {
      case PAUSE -> pause();
      case RESUME -> resume();
      case PROMOTE -> promote();
      case PROMOTE_FULL -> promoteFull();
      case ABORT -> abort(request.reason().orElseThrow());
      case UNDO -> undo();
      case APPROVE -> throw new IllegalControlException("approve is a campaign's control:"
          + " rollout " + id() + " takes promote to move past a step that waits");
    }
  }

  /** @return the spec this run works toward */
  public RolloutSpec spec() {
    return spec;
  }

  /**
   * Stops driving the rollout without touching the fleet: no further tick runs. The handle
   * completes exceptionally with {@code why}; the saved record stays for another engine to resume.
   *
   * @param why why the run stopped (engine shut down, lease lost)
   */
  public void halt(RuntimeException why) {
    synchronized (this) {
      if (halted) {
        return;
      }
      halted = true;
      wake.cancel();
    }
    watch.cancel();
    engine.finished(this);
    completion.completeExceptionally(why);
  }

  /**
   * Stops driving the rollout because this engine may no longer hold the fleet's lease: records a
   * {@link Type#LEASE_LOST} event (logged with the fleet and rollout id), then halts.
   *
   * @param now the engine's time
   * @param message the event's {@code key=value} text
   * @param why what the handle completes exceptionally with
   */
  void leaseLost(Instant now, String message, RuntimeException why) {
    synchronized (this) {
      if (halted) {
        return;
      }
    }
    state.leaseLost(now, message);
    halt(why);
  }

  /**
   * @return whether the run may make its next platform call: not halted, and its lease still
   *     holds by the engine's clock (if not, it is halted now)
   */
  boolean mayAct() {
    synchronized (this) {
      if (halted) {
        return false;
      }
    }
    return engine.mayAct(this);
  }

  /** Subscribes to provider changes and schedules the first tick. */
  public void start() {
    state.log("phase=" + state.phase() + " action=start to=" + spec.target().revision() + " strategy="
        + spec.strategy().name() + " capacity=" + spec.capacity());
    watch = engine.provider().watch(spec.fleet(), this::trigger);
    trigger();
  }

  /** @return how many instances the run wants serving now */
  int desired() {
    return state.desired();
  }

  @Override
  public String id() {
    return state.id();
  }

  /** @return {@code RolloutHandle[<summary of the current snapshot>]} */
  @Override
  public String toString() {
    return "RolloutHandle[" + state.snapshot().summary() + "]";
  }

  @Override
  public Rollout current() {
    return state.snapshot();
  }

  @Override
  public CompletableFuture<Rollout> completion() {
    return completion;
  }

  /**
   * Waits for the end. In virtual time, driven by this thread alone, a rollout that waits for a
   * person can never end: that fails at once, saying which control it waits for.
   */
  @Override
  public Rollout await() {
    return engine.scheduler().awaitUnless(completion, () -> state.waitingFor().isPresent())
        .orElseThrow(() -> new IllegalControlException(state.waitingFor().orElse("rollout " + id()
            + " waits for a control") + ". Waiting in virtual time cannot give it: start() the"
            + " rollout, call the control on its handle (from a scheduled task or between"
            + " VirtualTime.runUntil calls), then await()"));
  }

  @Override
  public Rollout awaitSuccess() {
    Rollout done = await();
    if (done.phase() != RolloutPhase.SUCCEEDED) {
      throw new RolloutFailedException(done);
    }
    return done;
  }

  @Override
  public void pause() {
    synchronized (state) {
      RolloutPhase p = state.phase();
      if (p == RolloutPhase.PAUSED) {
        return;
      }
      if (p.isTerminal() || p == RolloutPhase.ABORTING) {
        throw new IllegalControlException("cannot pause rollout " + id() + " in phase " + p
            + ": pause is valid while PENDING or PROGRESSING"
            + (p == RolloutPhase.ABORTING ? " (a rollback always runs to its end)" : ""));
      }
      state.pause(now(), new Wait(Wait.Reason.PAUSED_BY_PERSON, "paused by request",
          Optional.empty()));
    }
    controlled();
  }

  @Override
  public void resume() {
    synchronized (state) {
      if (state.phase() != RolloutPhase.PAUSED) {
        throw new IllegalControlException("cannot resume rollout " + id() + " in phase "
            + state.phase() + ": resume is valid only while PAUSED" + state.waiting()
            .filter(w -> w.reason() == Wait.Reason.OUTSIDE_WINDOW)
            .map(w -> "; it waits for its deployment window (" + w.detail() + "), which resume"
                + " does not override: it goes on by itself when the window opens, and abort()"
                + " rolls back at any time").orElse(""));
      }
      state.resume(now());
    }
    controlled();
  }

  @Override
  public void abort(String reason) {
    Arguments.notBlank(reason, "reason");
    synchronized (state) {
      RolloutPhase p = state.phase();
      if (p.isTerminal()) {
        throw new IllegalControlException("cannot abort rollout " + id() + ": it already ended "
            + p + "; to return to the previous revision now, start a rollout of it");
      }
      if (p == RolloutPhase.ABORTING) {
        return;
      }
      startRollback("aborted: " + reason);
    }
    controlled();
  }

  @Override
  public void promote() {
    controls.promote(false);
    controlled();
  }

  @Override
  public void promoteFull() {
    controls.promote(true);
    controlled();
  }

  @Override
  public RolloutHandle retry() {
    return controls.retry();
  }

  @Override
  public RolloutHandle undo() {
    Optional<RolloutHandle> restarted = controls.undoEnded();
    if (restarted.isPresent()) {
      return restarted.get();
    }
    synchronized (state) {
      if (state.phase() != RolloutPhase.ABORTING && !state.phase().isTerminal()) {
        startRollback("undo: back to " + state.from().map(Revision::id).orElse("nothing"));
      }
    }
    controlled();
    return this;
  }

  /** A person steered the rollout: act on it at once, whatever back-off was running. */
  private void controlled() {
    state.deliver(); // the control's events, now that the state's lock is free
    synchronized (this) {
      notBefore = null;
    }
    trigger();
  }

  /**
   * Asks for a tick as soon as possible (coalesced); during a back-off, the tick already
   * scheduled for its end is soon enough: a platform's change notifications never shorten it.
   */
  public void trigger() {
    synchronized (this) {
      if (notBefore != null && now().isBefore(notBefore)) {
        return;
      }
      if (ticking) {
        rerun = true;
        return;
      }
      if (immediate) {
        return;
      }
      immediate = true;
      wake.cancel();
      wake = engine.scheduler().schedule(this::tick, Duration.ZERO);
    }
  }

  private void tick() {
    synchronized (this) {
      immediate = false;
      if (ticking || completion.isDone() || halted) {
        return;
      }
      ticking = true;
      rerun = false;
      wake.cancel();
    }
    engine.controlsDue(this); // requests of other processes, before this tick decides
    long epoch = state.epoch();
    RolloutPhase phase = state.phase();
    if (phase.isTerminal()) {
      endTick(Optional.empty());
      return;
    }
    if (!mayAct()) {
      endTick(Optional.empty()); // halted: the lease may be another engine's by now
      return;
    }
    if (phase == RolloutPhase.PAUSED && state.begun()) {
      finishDrainsWhilePaused(Optional.empty());
      return;
    }
    if (heldByWindow(phase)) {
      return;
    }
    observer.observe(spec.fleet(), state.desired())
        .thenCompose(fleet -> decideAndAct(fleet, epoch))
        .whenComplete((wakeAt, error) -> {
          if (error != null) {
            state.providerError(now(), error);
            checkProgressDeadline(epoch);
            backOff(now().plus(engine.pollInterval()));
          }
          endTick(error == null ? wakeAt : Optional.empty());
        });
  }

  /**
   * Asks the rollout's deployment windows (never for a rollback): outside them, or in a freeze, a
   * run that has not passed a window (or one that pauses at a window's end) holds, and its tick
   * ends here.
   *
   * @return whether the tick was handled (held, or failed because no window ever opens)
   */
  private boolean heldByWindow(RolloutPhase phase) {
    if (spec.windows().isAlwaysOpen() || state.rollingBack()) {
      return false;
    }
    Instant now = now();
    Optional<Wait> hold = WindowGate.holdAt(spec, now, state.windowPassed());
    if (hold.isEmpty()) {
      state.windowOpen(now);
      return false;
    }
    if (phase == RolloutPhase.PAUSED) {
      endTick(Optional.empty()); // paused before its first observation: resume meets the window
      return true;
    }
    if (hold.get().until().isEmpty()) {
      synchronized (state) {
        if (state.begun()) {
          fail(hold.get().detail());
        } else {
          state.finish(now, RolloutPhase.FAILED, Optional.of(hold.get().detail()
              + "; nothing was touched. Check the spec's windows and freezes"));
        }
      }
      state.deliver();
      endTick(Optional.empty());
      return true;
    }
    state.holdForWindow(now, hold.get());
    if (state.begun()) {
      finishDrainsWhilePaused(hold.get().until());
    } else {
      endTick(hold.get().until()); // touches nothing, not even an observation, until it opens
    }
    return true;
  }

  /**
   * A paused (or window-held) run decides nothing, but drains it started before the pause still
   * end: what is over ({@link Drains}) is terminated, and the run wakes for the next drain due (or
   * at {@code until}, when its window opens), then sleeps until a control. A held canary leaves
   * nothing drained behind however long it waits.
   */
  private void finishDrainsWhilePaused(Optional<Instant> until) {
    observer.observe(spec.fleet(), state.desired()).thenCompose(fleet -> {
      Instant now = now();
      state.observed(now, fleet);
      List<Instance> over = Drains.over(fleet, now, spec.drainTimeout());
      Optional<Instant> due = Drains.nextDue(fleet, now, spec.drainTimeout());
      Optional<Instant> next = until.isEmpty() ? due : Optional.of(due.filter(d -> d.isBefore(
          until.get())).orElse(until.get()));
      if (over.isEmpty()) {
        return CompletableFuture.completedFuture(next);
      }
      return executor.act(List.of(new Action.Terminate(over, false, "drained")))
          .handle((ignored, error) -> error == null ? next
              : Optional.of(now().plus(engine.pollInterval())));
    }).whenComplete((next, error) -> endTick(error == null ? next
        : Optional.of(now().plus(engine.pollInterval()))));
  }

  private CompletableFuture<Optional<Instant>> decideAndAct(Fleet fleet, long epoch) {
    Instant now = now();
    if (!state.begun() && !begin(fleet, now)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    state.observed(now, fleet);
    Decision decision = decide(fleet, now);
    engine.logDecision(state, decision);
    boolean acts = decision.actions().stream().anyMatch(Action::observeAgain);
    if (acts) {
      synchronized (this) {
        rerun = true; // acting changed the fleet: observe again at once rather than at the next poll
      }
    }
    return executor.act(decision.actions()).handle((ignored, error) -> {
      if (error != null) {
        return refused(error, epoch);
      }
      if (acts) {
        state.actedOk();
      }
      return concluded(decision, epoch);
    });
  }

  /**
   * Records the origin from the first observation, and refuses a rollout that would take a
   * serving fleet to zero without leave.
   *
   * @return whether to go on deciding now (false: paused before the first tick, or refused)
   */
  private boolean begin(Fleet fleet, Instant now) {
    state.begin(now, stableRevision(fleet));
    if (spec.capacity() == 0 && !spec.allowScaleToZero() && fleet.healthyCount() > 0) {
      synchronized (state) {
        state.finish(now, RolloutPhase.FAILED, Optional.of("capacity 0 would take fleet "
            + spec.fleet() + " from " + fleet.healthyCount() + " healthy instance(s) to none;"
            + " nothing was touched. To remove a serving fleet, build the spec with"
            + " allowScaleToZero(true)"));
      }
      state.deliver();
      return false;
    }
    return state.phase() != RolloutPhase.PAUSED;
  }

  /** The traffic guard first, then the planner of the current direction. */
  private Decision decide(Fleet fleet, Instant now) {
    boolean back = state.rollingBack();
    Map<Revision, Instant> dark = state.darkRevisions(fleet, now);
    if (!back) {
      Optional<Decision> guard = TrafficGuard.check(fleet, dark, spec.trafficGrace(), now,
          state.step(), state.totalSteps());
      if (guard.isPresent()) {
        return guard.get();
      }
      if (alreadyThere(fleet)) {
        return new Decision(List.of(), Optional.empty(), Decision.Status.DONE, Optional.empty(),
            spec.capacity(), spec.capacity(), "already-there");
      }
    }
    Planner planner = !back ? forward
        : state.targetSpec().equals(spec.target()) ? Planners.removeRevision()
        : Planners.rollback(spec.strategy());
    Decision decision = planner.decide(new PlanContext(fleet, state.targetSpec(),
        state.desired(), now, state.replacements(), spec.drainTimeout(),
        state.stepState(engine.provider().router().isPresent())
            .withStableSpec(state.from().flatMap(engine::knownSpec)))
        .withFailureCauses(state.failureCauses()));
    decision = TrafficGuard.movingWeightBeforeDrains(decision, fleet);
    Optional<Instant> graceEnds = back ? Optional.empty()
        : TrafficGuard.wakeAt(dark, spec.trafficGrace());
    return graceEnds.map(decision::wakeNoLaterThan).orElse(decision);
  }

  /**
   * A blue-green or canary rollout that started from a fleet already running only its target,
   * healthy at the desired capacity, has nothing to do: no split, no delay, no call. (A rolling
   * update, and so a reconcile, finds that out by itself, tainted instances included.)
   */
  private boolean alreadyThere(Fleet fleet) {
    Revision target = spec.target().revision();
    return !(spec.strategy() instanceof RollingUpdate) && state.from().isEmpty() && state.stepIndex() == 0 && spec.capacity() > 0
        && fleet.revisions().equals(Set.of(target))
        && fleet.healthyCount(target) == spec.capacity()
        && fleet.instancesOf(target).size() == spec.capacity()
        && (fleet.traffic().isEmpty() || fleet.isFullyOn(target));
  }

  /**
   * An action was refused: back off, and past the limit fail the step (a rollback goes on backing
   * off instead; its progress deadline bounds it).
   */
  private Optional<Instant> refused(Throwable error, long epoch) {
    Instant now = now();
    int limit = engine.calls().maxRefusals();
    Duration wait;
    boolean gaveUp;
    synchronized (state) {
      int refusals = state.refusalsSoFar() + 1;
      wait = engine.calls().refusalBackoff(refusals);
      state.refused(now, error, Durations.text(wait));
      boolean current = state.epoch() == epoch && !state.phase().isTerminal()
          && state.phase() != RolloutPhase.PAUSED;
      // a rollback never gives up on refusals: it is the way back to a known state, so it backs
      // off (capped) until the platform answers, bounded by its progress deadline
      gaveUp = current && refusals >= limit && !state.rollingBack();
      if (gaveUp) {
        state.actedOk(); // the failure policy's own actions start with a fresh count
        fail("the platform refused " + refusals + " times in a row (RetrySettings.maxRefusals "
            + limit + "): " + RolloutState.describe(error));
      } else if (current) {
        checkProgressDeadline(epoch);
      }
    }
    state.deliver();
    if (gaveUp) {
      return Optional.empty(); // the failure policy acts at once
    }
    backOff(now.plus(wait)); // outside the state's lock: the run's lock is always taken first
    return Optional.of(now.plus(wait));
  }

  private void backOff(Instant until) {
    synchronized (this) {
      rerun = false;
      notBefore = until;
    }
  }

  /** Applies the decision's status, unless a control moved on meanwhile. */
  private Optional<Instant> concluded(Decision decision, long epoch) {
    try {
      return concludedLocked(decision, epoch);
    } finally {
      state.deliver();
    }
  }

  private Optional<Instant> concludedLocked(Decision decision, long epoch) {
    synchronized (state) {
      if (state.epoch() != epoch || state.phase().isTerminal()) {
        return Optional.empty(); // an abort came in: its own tick decides from here
      }
      switch (decision.status()) {
        case DONE -> state.finish(now(), state.rollingBack()
            ? RolloutPhase.ROLLED_BACK : RolloutPhase.SUCCEEDED, Optional.empty());
        case FAILED -> fail(decision.reason().orElse("failed"));
        case CONTINUE -> {
          state.progress(now(), decision.step(), decision.totalSteps(), decision.progressKey());
          checkProgressDeadline(epoch);
        }
      }
      return decision.wakeAt();
    }
  }

  private void checkProgressDeadline(long epoch) {
    synchronized (state) {
      if (state.epoch() != epoch || state.phase() == RolloutPhase.PAUSED
          || state.phase().isTerminal()) {
        return;
      }
      Duration stalled = Duration.between(state.lastProgressAt(), now());
      if (stalled.compareTo(spec.progressDeadline()) > 0) {
        fail("no progress for " + stalled + " (progress deadline " + spec.progressDeadline()
            + ") at step " + state.step() + "/" + state.totalSteps());
      }
    }
    state.deliver(); // a no-op when a caller still holds the lock: it delivers when it lets go
  }

  /** Called with the state lock held. */
  private void fail(String reason) {
    if (state.rollingBack()) {
      state.finish(now(), RolloutPhase.FAILED, Optional.of("rollback failed: " + reason
          + " (after: " + state.reason().orElse("") + ")"));
    } else if (spec.onFailure() == FailurePolicy.PAUSE) {
      state.pause(now(), new Wait(Wait.Reason.PAUSED_AFTER_FAILURE, reason, Optional.empty()));
    } else {
      startRollback(reason);
    }
  }

  /** Called with the state lock held. */
  private void startRollback(String reason) {
    if (spec.onFailure() == FailurePolicy.STOP) {
      state.finish(now(), RolloutPhase.FAILED, Optional.of(reason));
      return;
    }
    Optional<LaunchSpec> previous = state.from().flatMap(engine::knownSpec);
    if (state.from().isPresent() && previous.isEmpty()) {
      state.log("action=rollback warning=unknown-spec previous=" + state.from().get()
          + " detail=previous revision cannot be relaunched; new instances are removed only");
    }
    state.startRollback(now(), reason, previous);
  }

  private void endTick(Optional<Instant> wakeAt) {
    state.deliver(); // whatever this tick recorded has been told before it ends
    synchronized (this) {
      if (halted) {
        ticking = false;
        return;
      }
    }
    if (state.phase().isTerminal()) {
      synchronized (this) {
        ticking = false;
        wake.cancel();
      }
      watch.cancel();
      engine.finished(this);
      completion.complete(state.snapshot());
      return;
    }
    synchronized (this) {
      ticking = false;
      if (rerun) {
        rerun = false;
        immediate = true;
        wake = engine.scheduler().schedule(this::tick, Duration.ZERO);
        return;
      }
      if (state.phase() == RolloutPhase.PAUSED || state.heldForWindow()) {
        // resume or abort triggers the next decision; only a drain still running (or the
        // window's opening) wakes it before
        wakeAt.ifPresent(at -> wake = engine.scheduler().schedule(this::tick,
            Duration.between(now(), at).isNegative() ? Duration.ZERO : Duration.between(now(), at)));
        return;
      }
      Duration delay = engine.pollInterval();
      if (wakeAt.isPresent()) {
        Duration until = Duration.between(now(), wakeAt.get());
        if (until.compareTo(delay) < 0) {
          delay = until;
        }
      }
      if (notBefore != null) {
        Duration backOff = Duration.between(now(), notBefore);
        if (backOff.compareTo(delay) > 0) {
          delay = backOff; // a back-off is never cut short by a poll or a wake-up
        }
      }
      wake = engine.scheduler().schedule(this::tick, delay);
    }
  }

  /** The revision that serves most now: what a rollback returns to. */
  private Optional<Revision> stableRevision(Fleet fleet) {
    Revision target = spec.target().revision();
    return fleet.revisions().stream()
        .filter(r -> !r.equals(target))
        .max(Comparator.<Revision>comparingInt(fleet::healthyCount)
            .thenComparingInt(r -> fleet.instancesOf(r).size()));
  }

  private Instant now() {
    return engine.clock().instant();
  }
}
