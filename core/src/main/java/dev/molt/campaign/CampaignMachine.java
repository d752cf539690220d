package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Durations;
import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.campaign.CampaignAction.Abort;
import dev.molt.campaign.CampaignAction.AwaitApproval;
import dev.molt.campaign.CampaignAction.EndWave;
import dev.molt.campaign.CampaignAction.Finish;
import dev.molt.campaign.CampaignAction.Halt;
import dev.molt.campaign.CampaignAction.MeasureGates;
import dev.molt.campaign.CampaignAction.Revert;
import dev.molt.campaign.CampaignAction.StartBake;
import dev.molt.campaign.CampaignAction.StartFleet;
import dev.molt.campaign.CampaignAction.StartWave;
import dev.molt.campaign.CampaignAction.WindowWait;
import dev.molt.rollout.IllegalControlException;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.molt.MoltException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The campaign's executor: asks {@link CampaignPlanner} what to do, records it in the snapshot and
 * hands the work to its {@link Effects} (the engines for a run, simulated durations for a plan),
 * which report back through the callbacks. Effects and listeners run outside the lock.
 */
final class CampaignMachine implements CampaignHandle {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignMachine.class);
  private static final int MAX_ACTIONS_PER_TICK = 10_000;
  private static final Duration SAVE_RETRY_FIRST = Duration.ofSeconds(1);
  private static final Duration SAVE_RETRY_MAX = Duration.ofSeconds(30);

  /** Where the work of the actions is done. */
  interface Effects {
    /** Rebuilds the fleet and starts its rollout; reports {@link #fleetStarted} or ends it. */
    void startFleet(CampaignMachine machine, CampaignFleet fleet);

    /** Measures the wave's gates on its fleets that succeeded; reports {@link #gatesJudged}. */
    void measureGates(CampaignMachine machine, Wave wave, List<FleetProgress> succeeded);

    /** Aborts the fleet's rollout; its end is reported as for any rollout. */
    void abort(CampaignMachine machine, FleetProgress fleet, String reason);

    /** Returns the fleet to its previous revision; reports {@link #fleetEnded}. */
    void revert(CampaignMachine machine, FleetProgress fleet);

    /** The campaign now waits for approval (a plan gives it at once). */
    void awaitingApproval(CampaignMachine machine, Wave wave);

    /**
     * Finds again the work a crashed process left in flight for {@code fleet} (its rebuild, its
     * rollout, its abort or revert) and reports its end as for any fleet.
     */
    default void reattach(CampaignMachine machine, FleetProgress fleet) {
      throw new IllegalStateException("a plan is never resumed");
    }
  }

  private final CampaignSpec spec;
  private final Map<String, CampaignFleet> byName;
  private final Effects effects;
  private final Clock clock;
  private final Scheduler scheduler;
  private final List<CampaignListener> listeners;
  private final CompletableFuture<Campaign> completion = new CompletableFuture<>();
  private Campaign state;
  private Cancellable wake = () -> { };
  private Optional<CampaignStore> kept = Optional.empty();
  private volatile boolean stopped;
  // what reacts to the snapshots, in order, run once the snapshot before it is saved
  private final Object effectsLock = new Object();
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private boolean saveFailing; // guarded by effectsLock
  private Duration saveRetry = SAVE_RETRY_FIRST; // guarded by effectsLock

  CampaignMachine(String id, CampaignSpec spec, Effects effects, Clock clock, Scheduler scheduler,
      List<CampaignListener> listeners) {
    this.spec = spec;
    this.effects = effects;
    this.clock = clock;
    this.scheduler = scheduler;
    this.listeners = List.copyOf(listeners);
    this.byName = spec.fleets().stream().collect(Collectors.toMap(CampaignFleet::name,
        Function.identity()));
    List<FleetProgress> fleets = new ArrayList<>();
    List<List<CampaignFleet>> waves = spec.waveFleets();
    for (int w = 0; w < waves.size(); w++) {
      for (CampaignFleet f : waves.get(w)) {
        fleets.add(new FleetProgress(f.name(), spec.waves().get(w).name(), f.capacity(),
            FleetStatus.PENDING, f.rollout().target().revision(), Optional.empty(),
            Optional.empty(), Optional.empty()));
      }
    }
    Instant now = clock.instant();
    this.state = new Campaign(id, spec.name(), CampaignPhase.RUNNING, 0, Campaign.Stage.PENDING,
        fleets, Optional.empty(), Optional.empty(), false, spec.rollBackOnHalt(), 0,
        Math.max(1, spec.totalCapacity()), List.of(), List.of(), now, now);
  }

  /** A machine that goes on from {@code restored}, a snapshot a crashed process saved. */
  CampaignMachine(Campaign restored, CampaignSpec spec, Effects effects, Clock clock,
      Scheduler scheduler, List<CampaignListener> listeners) {
    this(restored.id(), spec, effects, clock, scheduler, listeners);
    List<String> expected = state.fleets().stream().map(f -> f.wave() + "/" + f.fleet()).toList();
    List<String> saved = restored.fleets().stream().map(f -> f.wave() + "/" + f.fleet()).toList();
    if (!expected.equals(saved) || restored.wave() > spec.waves().size()) {
      throw new InvalidSpecException("spec", "campaign " + restored.id() + " was saved"
          + " with the fleets (wave/fleet) " + saved + ", but this spec gives " + expected
          + "; resume it with the spec it was started with");
    }
    for (FleetProgress f : restored.fleets()) {
      CampaignFleet declared = byName.get(f.fleet());
      if (declared.capacity() != f.capacity()
          || !declared.rollout().target().revision().equals(f.from())) {
        throw new InvalidSpecException("spec", "campaign " + restored.id() + " was saved with"
            + " fleet " + f.fleet() + " at capacity " + f.capacity() + " on " + f.from()
            + ", but this spec gives capacity " + declared.capacity() + " on "
            + declared.rollout().target().revision() + "; resume it with the spec it was started"
            + " with");
      }
    }
    this.state = restored;
  }

  /** Saves every snapshot in {@code store} from now on, before anything reacts to it. */
  void keepIn(CampaignStore store) {
    this.kept = Optional.of(store);
  }

  /**
   * Goes on after a crash: records the recovery, finds the work in flight again and decides.
   *
   * @param holder who resumes it, for the history
   */
  void recover(String holder) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      List<FleetProgress> inFlight = state.fleets().stream()
          .filter(f -> f.status().isInFlight()).toList();
      event(CampaignEvent.Type.RECOVERED, null, null, "resumed by " + holder + " at wave "
          + state.wave() + " " + state.stage() + ", fleets in flight " + inFlight.stream()
          .map(f -> f.fleet() + "=" + f.status()).toList(), after);
      inFlight.forEach(f -> after.add(() -> effects.reattach(this, f)));
      if (state.phase() == CampaignPhase.RUNNING && state.stage() == Campaign.Stage.MEASURING) {
        Wave wave = spec.waves().get(state.wave());
        List<FleetProgress> succeeded = state.fleets().stream().filter(f -> f.wave()
            .equals(wave.name()) && f.status() == FleetStatus.SUCCEEDED).toList();
        after.add(() -> effects.measureGates(this, wave, succeeded));
      }
    }
    run(after);
    tick();
  }

  /**
   * Stops driving the campaign, as if its process died here: nothing more is decided, saved or
   * started; rollouts already running go on in their engines. {@code release} gives the lease
   * back at once (else it lapses), so that another process may resume the campaign.
   */
  void stop(boolean release) {
    stop(release, "it was stopped (Campaigns." + (release ? "close" : "shutdownNow") + "()); resume"
        + " it from its store with Campaigns.resume(spec)");
  }

  private void stop(boolean release, String why) {
    synchronized (this) {
      stopped = true;
      wake.cancel();
    }
    kept.ifPresent(k -> k.stop(release));
    completion.completeExceptionally(new MoltException("campaign " + id() + " is no longer"
        + " driven by this process: " + why));
  }

  /** The lease was lost: stop, and fail the completion naming why. */
  void lost(String why) {
    stop(false, why + "; the process that holds it now drives it");
  }

  /** @return whether this process still drives the campaign: effects check it before acting */
  boolean isDriven() {
    return !stopped;
  }

  /** Records the start and takes the first decisions. */
  void start() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      event(CampaignEvent.Type.STARTED, null, null, "base " + spec.change() + ": "
          + state.fleets().size() + " of " + spec.fleets().size() + " fleets built on "
          + spec.change().from().version() + ", " + spec.waves().size() + " waves, maxExposure="
          + spec.maxExposure() + "% (" + spec.exposureBudget() + " of " + spec.totalCapacity()
          + " instances), maxFailures=" + spec.maxFailures(), after);
    }
    run(after);
    tick();
  }

  CampaignSpec spec() {
    return spec;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public String id() {
    return state().id();
  }

  @Override
  public synchronized Campaign current() {
    return state;
  }

  private synchronized Campaign state() {
    return state;
  }

  /** A control whose change could not be saved (the lease was lost meanwhile) did not happen. */
  private IllegalControlException notKept(String control) {
    return new IllegalControlException("campaign " + id() + " lost its lease while " + control
        + "() was saved: the control did not happen here; send it to the process that drives"
        + " the campaign now");
  }

  /** Refuses a control on a campaign this process no longer drives. */
  private void requireDriven(String control) {
    if (stopped) {
      throw new IllegalControlException("campaign " + state.id() + " is no longer driven by this"
          + " process (it was stopped, or another took it over): " + control + "() must go to"
          + " the handle of the process that resumed it");
    }
  }

  @Override
  public void approve() {
    steer("approve", after -> approveNow(after, ""));
  }

  @Override
  public void pause() {
    steer("pause", after -> pauseNow(true, after, ""));
  }

  @Override
  public void resume() {
    steer("resume", after -> pauseNow(false, after, ""));
  }

  @Override
  public void abort(String reason) {
    Arguments.notBlank(reason, "reason");
    steer("abort", after -> abortNow(reason, after, ""));
  }

  /** Makes a control's change under the lock, saves it, then lets the campaign act on it. */
  private void steer(String control, java.util.function.Consumer<List<Runnable>> change) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      requireDriven(control);
      change.accept(after);
    }
    if (!run(after)) {
      throw notKept(control);
    }
    tick();
  }

  /**
   * Applies the control requests sent through the store that the campaign has not answered yet,
   * each with its answer in the same snapshot as its change: a request is applied at most once,
   * whichever process drives the campaign, and one whose save was lost with the lease is taken
   * again by the next.
   *
   * @param requests what the store holds for the campaign's id
   * @param answeredBy this process's identity, for the answers
   */
  void requested(List<ControlRequest> requests, String answeredBy) {
    for (ControlRequest r : requests) {
      List<Runnable> after = new ArrayList<>();
      synchronized (this) {
        if (stopped || state.phase().isTerminal() || state.answer(r.id()).isPresent()) {
          continue;
        }
        String by = " (request " + r.id() + " by " + r.requestedBy() + ")";
        ControlAnswer answer;
        try {
          switch (r.control()) {
            case PAUSE -> pauseNow(true, after, by);
            case RESUME -> pauseNow(false, after, by);
            case APPROVE -> approveNow(after, by);
            case ABORT -> abortNow(r.reason().orElseThrow(), after, by);
            default -> throw new IllegalControlException(r.control() + " is a rollout's"
                + " control: campaign " + state.id() + " takes pause, resume, approve and abort");
          }
          answer = new ControlAnswer(r.id(), ControlAnswer.Outcome.APPLIED, "applied",
              answeredBy, clock.instant());
        } catch (IllegalControlException e) {
          answer = new ControlAnswer(r.id(), ControlAnswer.Outcome.REFUSED, e.getMessage(),
              answeredBy, clock.instant());
        }
        state = state.withAnswer(answer);
        LOG.info("campaign={} action=control request={} control={} by={} outcome={}",
            state.id(), r.id(), r.control(), r.requestedBy(), answer.outcome());
      }
      if (!run(after)) {
        return; // the lease was lost: the process that holds it now answers
      }
      tick();
    }
  }

  private void approveNow(List<Runnable> after, String by) {
    if (state.phase() != CampaignPhase.RUNNING
        || state.stage() != Campaign.Stage.AWAITING_APPROVAL) {
      throw new IllegalControlException("campaign " + state.id() + " is " + state.phase()
          + " at wave " + state.wave() + " " + state.stage() + ": approve() is valid only while"
          + " a wave waits for approval");
    }
    String wave = spec.waves().get(state.wave()).name();
    state = state.withStage(state.wave(), Campaign.Stage.APPROVED, Optional.empty());
    event(CampaignEvent.Type.APPROVED, wave, null, "wave " + wave + " approved" + by, after);
  }

  private void pauseNow(boolean pause, List<Runnable> after, String by) {
    if (state.phase() != CampaignPhase.RUNNING || (!pause && !state.paused())) {
      throw new IllegalControlException("campaign " + state.id() + " is " + state.phase()
          + (state.paused() ? " (paused)" : "") + ": " + (pause ? "pause() is valid while it"
          + " runs" : "resume() is valid only after pause()"));
    }
    if (pause == state.paused()) {
      return;
    }
    state = state.withPaused(pause);
    event(pause ? CampaignEvent.Type.PAUSED : CampaignEvent.Type.RESUMED, null, null, (pause
        ? "paused: no fleet or wave starts; running rollouts go on" : "resumed") + by, after);
  }

  private void abortNow(String reason, List<Runnable> after, String by) {
    if (state.phase().isTerminal()) {
      throw new IllegalControlException("campaign " + state.id() + " already ended "
          + state.phase() + "; nothing to abort");
    }
    if (state.phase() == CampaignPhase.HALTING) {
      return;
    }
    state = state.halted("aborted: " + reason, true);
    event(CampaignEvent.Type.HALTED, null, null, "aborted: " + reason + "; rolling back" + by,
        after);
  }

  @Override
  public CompletableFuture<Campaign> completion() {
    return completion;
  }

  @Override
  public Campaign await() {
    return scheduler.awaitUnless(completion, () -> {
      Campaign c = state();
      return c.phase() == CampaignPhase.RUNNING
          && (c.paused() || c.stage() == Campaign.Stage.AWAITING_APPROVAL);
    }).orElseThrow(() -> new IllegalControlException("campaign " + id() + (state().paused()
        ? " is paused: call resume()" : " waits for approve() before wave "
        + spec.waves().get(state().wave()).name() + ": call approve()") + " on its handle; in"
        + " virtual time nothing else could end the wait"));
  }

  /** The fleet's rollout started on its rebuilt revision. */
  void fleetStarted(String fleet, Revision target, String rolloutId) {
    if (stopped) {
      return;
    }
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      FleetProgress f = state.fleet(fleet).orElseThrow();
      state = state.withFleet(f.started(target, rolloutId));
      event(CampaignEvent.Type.FLEET_STARTED, f.wave(), fleet, "rollout " + rolloutId + " "
          + f.from() + " -> " + target + ", exposure " + state.exposure() + "/"
          + spec.exposureBudget(), after);
    }
    run(after);
    tick();
  }

  /** The fleet ended: its rollout (or revert) ended, or it could not start. */
  void fleetEnded(String fleet, FleetStatus end, Optional<String> reason) {
    if (stopped) {
      return;
    }
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      FleetProgress f = state.fleet(fleet).orElseThrow();
      state = state.withFleet(f.ended(end, reason));
      event(CampaignEvent.Type.FLEET_ENDED, f.wave(), fleet, end + f.rolloutId()
          .map(r -> " rollout " + r).orElse("") + reason.map(r -> ": " + r).orElse(""), after);
    }
    run(after);
    tick();
  }

  /** The wave's gates were judged: empty when all passed, else the first failure. */
  void gatesJudged(Wave wave, Optional<String> failure) {
    if (stopped) {
      return;
    }
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (state.phase() != CampaignPhase.RUNNING || state.stage() != Campaign.Stage.MEASURING) {
        return;
      }
      event(CampaignEvent.Type.GATES_JUDGED, wave.name(), null, failure.orElse("all passed"),
          after);
      if (failure.isPresent()) {
        state = state.halted("wave " + wave.name() + " bake gate: " + failure.get(),
            spec.rollBackOnHalt());
        event(CampaignEvent.Type.HALTED, wave.name(), null, state.reason().orElseThrow(), after);
      } else {
        state = state.withStage(state.wave(), Campaign.Stage.DONE, Optional.empty());
      }
    }
    run(after);
    tick();
  }

  /** Decides and applies until the planner waits; then sets the wake-up it asked for. */
  void tick() {
    if (stopped) {
      return;
    }
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < MAX_ACTIONS_PER_TICK; i++) {
        CampaignDecision d = CampaignPlanner.decide(spec, state, clock.instant());
        if (d.actions().isEmpty()) {
          wake.cancel();
          d.wakeAt().ifPresent(at -> wake = scheduler.schedule(this::tick,
              Duration.between(clock.instant(), at)));
          break;
        }
        d.actions().forEach(a -> apply(a, after));
      }
    }
    run(after);
  }

  private void apply(CampaignAction action, List<Runnable> after) {
    if (!applyToWave(action, after) && !applyToFleets(action, after)) {
      throw new IllegalStateException("unknown campaign action " + action);
    }
  }

  /** The actions that move the wave in progress along. @return whether it was one of them */
  private boolean applyToWave(CampaignAction action, List<Runnable> after) {
    if (action instanceof AwaitApproval a) {
      Wave wave = spec.waves().get(a.wave());
      state = state.withStage(a.wave(), Campaign.Stage.AWAITING_APPROVAL, Optional.of(
          new CampaignWait(CampaignWait.Reason.AWAITING_APPROVAL, wave.name(), "wave "
              + wave.name() + " waits for approve()", Optional.empty())));
      event(CampaignEvent.Type.AWAITING_APPROVAL, wave.name(), null, "wave " + wave.name()
          + " waits for approve()", after);
      after.add(() -> effects.awaitingApproval(this, wave));
      return true;
    }
    if (action instanceof WindowWait ww) {
      state = state.withStage(state.wave(), state.stage(), ww.shown());
      ww.shown().ifPresent(w -> event(CampaignEvent.Type.OUTSIDE_WINDOW, w.wave(), null,
          w.detail(), after));
      return true;
    }
    if (action instanceof StartWave s) {
      Wave wave = spec.waves().get(s.wave());
      state = state.withStage(s.wave(), Campaign.Stage.ROLLING, Optional.empty());
      event(CampaignEvent.Type.WAVE_STARTED, wave.name(), null, "fleets " + members(wave)
          + " maxConcurrentFleets=" + wave.maxConcurrentFleets(), after);
      return true;
    }
    if (action instanceof StartBake b) {
      Wave wave = spec.waves().get(b.wave());
      waveEnded(wave, after);
      state = state.withStage(b.wave(), Campaign.Stage.BAKING, Optional.of(new CampaignWait(
          CampaignWait.Reason.BAKING, wave.name(), "bake " + Durations.text(wave.bake())
          + (wave.gates().isEmpty() ? "" : " then " + wave.gates().size() + " gate(s)"),
          Optional.of(b.until()))));
      return true;
    }
    if (action instanceof MeasureGates m) {
      Wave wave = spec.waves().get(m.wave());
      state = state.withStage(m.wave(), Campaign.Stage.MEASURING, Optional.of(new CampaignWait(
          CampaignWait.Reason.MEASURING_GATES, wave.name(), "measuring " + wave.gates().size()
          + " gate(s)", Optional.empty())));
      List<FleetProgress> succeeded = state.fleets().stream().filter(f -> f.wave()
          .equals(wave.name()) && f.status() == FleetStatus.SUCCEEDED).toList();
      after.add(() -> effects.measureGates(this, wave, succeeded));
      return true;
    }
    if (action instanceof EndWave e) {
      if (state.stage() == Campaign.Stage.ROLLING) {
        waveEnded(spec.waves().get(e.wave()), after);
      }
      state = state.withStage(e.wave() + 1, Campaign.Stage.PENDING, Optional.empty());
      return true;
    }
    return false;
  }

  /** The actions that start, stop or end fleets and the campaign. @return whether it was one */
  private boolean applyToFleets(CampaignAction action, List<Runnable> after) {
    if (action instanceof StartFleet sf) {
      FleetProgress f = state.fleet(sf.fleet()).orElseThrow();
      state = state.withFleet(f.with(FleetStatus.REBUILDING));
      event(CampaignEvent.Type.FLEET_REBUILDING, f.wave(), f.fleet(), "rebuilding on "
          + spec.change().to().version() + ", exposure " + state.exposure() + "/"
          + spec.exposureBudget(), after);
      CampaignFleet fleet = byName.get(sf.fleet());
      after.add(() -> effects.startFleet(this, fleet));
      return true;
    }
    if (action instanceof Halt h) {
      state = state.halted(h.reason(), spec.rollBackOnHalt());
      event(CampaignEvent.Type.HALTED, null, null, h.reason() + (spec.rollBackOnHalt()
          ? "; rolling the changed fleets back" : "; changed fleets stay"), after);
      return true;
    }
    if (action instanceof Abort ab) {
      FleetProgress f = state.fleet(ab.fleet()).orElseThrow();
      state = state.withFleet(f.with(FleetStatus.ABORTING));
      event(CampaignEvent.Type.FLEET_REVERTING, f.wave(), f.fleet(), "aborting its rollout",
          after);
      String why = "campaign " + state.id() + " halted: " + state.reason().orElse("halted");
      after.add(() -> effects.abort(this, f, why));
      return true;
    }
    if (action instanceof Revert r) {
      FleetProgress f = state.fleet(r.fleet()).orElseThrow();
      state = state.withFleet(f.with(FleetStatus.REVERTING));
      event(CampaignEvent.Type.FLEET_REVERTING, f.wave(), f.fleet(), "returning to "
          + f.from(), after);
      after.add(() -> effects.revert(this, f));
      return true;
    }
    if (action instanceof Finish fin) {
      if (fin.phase() == CampaignPhase.SUCCEEDED) {
        state = state.withStage(state.wave(), Campaign.Stage.DONE, Optional.empty());
      }
      state = state.ended(fin.phase());
      event(CampaignEvent.Type.ENDED, null, null, fin.phase() + ": replaced="
          + state.count(FleetStatus.SUCCEEDED) + " rolled_back="
          + state.count(FleetStatus.ROLLED_BACK) + " failed=" + state.count(FleetStatus.FAILED)
          + " reverted=" + state.count(FleetStatus.REVERTED), after);
      Campaign end = state;
      after.add(() -> completion.complete(end));
      return true;
    }
    return false;
  }

  private void waveEnded(Wave wave, List<Runnable> after) {
    List<FleetProgress> members = state.fleets().stream()
        .filter(f -> f.wave().equals(wave.name())).toList();
    long ok = members.stream().filter(f -> f.status() == FleetStatus.SUCCEEDED).count();
    long failed = members.stream().filter(f -> f.status().isFailure()).count();
    event(CampaignEvent.Type.WAVE_ENDED, wave.name(), null, "succeeded=" + ok + " failed="
        + failed + (wave.bake().isZero() ? "" : ", baking " + Durations.text(wave.bake()))
        + (wave.gates().isEmpty() ? "" : ", then " + wave.gates().size() + " gate(s)"), after);
  }

  private String members(Wave wave) {
    return state.fleets().stream().filter(f -> f.wave().equals(wave.name()))
        .map(FleetProgress::fleet).toList().toString();
  }

  private void event(CampaignEvent.Type type, String wave, String fleet, String detail,
      List<Runnable> after) {
    CampaignEvent e = new CampaignEvent(clock.instant(), type, Optional.ofNullable(wave),
        Optional.ofNullable(fleet), detail);
    state = state.withEvent(e);
    Campaign snapshot = state;
    try (MDC.MDCCloseable c = MDC.putCloseable("campaign", state.id())) {
      if (fleet != null) {
        MDC.put("fleet", fleet);
      }
      LOG.info("campaign={} event={}{}{} detail=\"{}\"", state.id(), type,
          wave == null ? "" : " wave=" + wave, fleet == null ? "" : " fleet=" + fleet, detail);
      MDC.remove("fleet");
    }
    for (CampaignListener l : listeners) {
      after.add(() -> {
        try {
          l.onEvent(snapshot, e);
        } catch (RuntimeException ex) {
          LOG.warn("campaign={} listener={} failed on {}: {}", snapshot.id(), l, type,
              ex.toString());
        }
      });
    }
  }

  /**
   * Saves the latest snapshot, then runs what reacts to it (and what waited before it), in order,
   * unless the campaign stopped. The snapshot is read under the effects' lock, so saves never go
   * backwards. A save the store could not make (not a lost lease) is retried with a growing delay,
   * up to {@value #SAVE_RETRY_MAX_S} s apart, and nothing reacts until it is made; a lease that
   * lapses meanwhile stops the campaign.
   */
  private boolean run(List<Runnable> after) {
    synchronized (effectsLock) {
      if (stopped) {
        return false;
      }
      pending.addAll(after);
      return saveFailing || flush();
    }
  }

  private static final long SAVE_RETRY_MAX_S = 30;

  /**
   * Saves, then runs what waited for the save. The effects' lock is held.
   *
   * @return false if the lease was lost, so the snapshot was not kept
   */
  private boolean flush() {
    if (kept.isPresent()) {
      try {
        if (!kept.get().save(state())) {
          pending.clear(); // the lease was lost: CampaignStore tells lost()
          return false;
        }
      } catch (MoltException e) {
        saveFailing = true;
        Duration wait = saveRetry;
        saveRetry = saveRetry.multipliedBy(2).compareTo(SAVE_RETRY_MAX) > 0 ? SAVE_RETRY_MAX
            : saveRetry.multipliedBy(2);
        LOG.warn("campaign={} action=save failed, retried in {}: {}", id(), wait,
            e.getMessage());
        scheduler.schedule(this::retrySave, wait);
        return true; // kept in memory; saved by the retry before anything reacts
      }
    }
    saveFailing = false;
    saveRetry = SAVE_RETRY_FIRST;
    while (!pending.isEmpty() && !stopped) {
      pending.poll().run();
    }
    return true;
  }

  private void retrySave() {
    synchronized (effectsLock) {
      if (!stopped) {
        flush();
      }
    }
  }
}
