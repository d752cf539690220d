package dev.molt.engine;

import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.IllegalControlException;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Keeps an engine's rollouts in its {@link RolloutStore} and its fleet leases alive: saves a record
 * after every event (it is the first listener) under the run's lease, except the descriptive
 * {@code OBSERVED} and {@code MEASURED} ones, which the next save carries; renews each lease
 * every third of its time to live while the rollout runs, and releases it once the rollout
 * ended. Once the engine stops, it writes nothing more.
 *
 * <p>At most every poll interval it asks the store for control requests of each tracked run (made
 * by another process through {@link RolloutStore#request}): from the run's tick, or on a timer
 * while the run is paused and does not tick. It applies each at most once, answering it in the
 * run's record: TAKEN is saved before the control is applied, APPLIED or REFUSED after.
 *
 * <p>A run stops driving its fleet (an event of type {@link RolloutEvent.Type#LEASE_LOST}, logged
 * with the fleet and rollout id) as soon as this engine can no longer be sure it holds the lease:
 * when the store refuses a save or a renewal with a {@link StaleLeaseException} (another engine was
 * granted the fleet), or when, by the engine's own clock, the lease is within the skew margin of
 * its expiry (checked before every platform call, and before renewing: a process that was paused
 * for longer than that never acts on what it remembers). Thread-safe.
 */
final class RolloutPersistence implements RolloutListener {
  private final RolloutStore store;
  private final String identity;
  private final Duration ttl;
  private final Duration skewMargin;
  private final Duration pollInterval;
  private final Clock clock;
  private final GatedScheduler scheduler;
  private final Function<Revision, Optional<LaunchSpec>> known;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  // guarded by this: the store's notifications, listened to from the first tracked run on
  private Optional<dev.molt.time.Cancellable> requestWatch = Optional.empty();
  private boolean watchStopped;
  // fleets a FleetController keeps between runs: the lease, renewed while no run tracks it
  private final Map<String, Standing> standing = new ConcurrentHashMap<>();

  /** A lease held for a controller, between and across the runs of its fleet. */
  private static final class Standing {
    volatile Lease lease;

    Standing(Lease lease) {
      this.lease = lease;
    }
  }

  /** A run being kept, and the lease it acts under (replaced on each renewal). */
  private static final class Tracked {
    final RolloutRun run;
    final int resumes;
    volatile Lease lease;
    // guarded by itself: one answer per request, replaced as it gets further
    final List<ControlAnswer> answers;
    volatile Instant lastPoll;
    // one poll at a time (the tick's and the paused timer's), so no request is taken twice
    final Object polling = new Object();
    final AtomicBoolean pausedPolling = new AtomicBoolean();

    Tracked(RolloutRun run, int resumes, Lease lease) {
      this.run = run;
      this.resumes = resumes;
      this.lease = lease;
      this.answers = new ArrayList<>(run.storedAnswers());
    }

    List<ControlAnswer> answers() {
      synchronized (answers) {
        return List.copyOf(answers);
      }
    }

    boolean answered(String requestId) {
      synchronized (answers) {
        return answers.stream().anyMatch(a -> a.requestId().equals(requestId));
      }
    }

    void answer(ControlAnswer answer) {
      synchronized (answers) {
        answers.removeIf(a -> a.requestId().equals(answer.requestId()));
        answers.add(answer);
      }
    }

    void forget(String requestId) {
      synchronized (answers) {
        answers.removeIf(a -> a.requestId().equals(requestId));
      }
    }
  }

  /**
   * @param store where records and leases live
   * @param identity the engine's identity, the leases' holder
   * @param ttl how long a lease holds without renewal
   * @param skewMargin how long before a lease's expiry (by {@code clock}) the engine stops acting
   * @param pollInterval how often the store is asked for control requests of each tracked run
   * @param clock the engine's clock
   * @param scheduler the engine's scheduler; closed when the engine stops
   * @param known the launch specs the engine can relaunch
   */
  RolloutPersistence(RolloutStore store, String identity, Duration ttl, Duration skewMargin,
      Duration pollInterval, Clock clock, GatedScheduler scheduler,
      Function<Revision, Optional<LaunchSpec>> known) {
    this.pollInterval = pollInterval;
    this.store = store;
    this.identity = identity;
    this.ttl = ttl;
    this.skewMargin = skewMargin;
    this.clock = clock;
    this.scheduler = scheduler;
    this.known = known;
  }

  /** Starts listening for the store's notifications, once, when the first run is tracked. */
  private synchronized void ensureWatching() {
    if (requestWatch.isEmpty() && !watchStopped) {
      requestWatch = Optional.of(store.watchRequests(this::requested));
    }
  }

  /**
   * The store says a control request for {@code rolloutId} was stored: if this engine runs that
   * rollout, ask for its requests now rather than at the next poll.
   */
  private void requested(String rolloutId) {
    Tracked t = tracked.get(rolloutId);
    if (t == null || !scheduler.isOpen()) {
      return;
    }
    t.lastPoll = null; // the run's next poll is due now
    try {
      if (idle(t.run.current())) {
        // a paused run does not tick: poll as its paused timer does
        scheduler.schedule(() -> {
          if (tracked.get(rolloutId) == t) {
            synchronized (t.polling) {
              pollControls(t);
            }
          }
        }, Duration.ZERO);
      } else {
        t.run.trigger(); // its tick polls first, so the control is applied between its steps
      }
    } catch (RuntimeException e) {
      // the engine is stopping, or the run just ended: nothing to deliver to
    }
  }

  /** Stops listening for the store's notifications, for a stopping engine. */
  synchronized void stopWatching() {
    watchStopped = true;
    requestWatch.ifPresent(dev.molt.time.Cancellable::cancel);
    requestWatch = Optional.empty();
  }

  /**
   * Takes the lease of {@code fleet}, with a new fencing token.
   *
   * @throws FleetLockedException if another engine holds it
   */
  Lease acquire(String fleet) {
    return store.acquire(fleet, identity, clock.instant(), ttl);
  }

  /**
   * The lease a new run of {@code fleet} acts under: the standing lease if a controller holds the
   * fleet (no new token, so the controller's hold and the run are one holder), else a new grant.
   *
   * @throws FleetLockedException if another engine holds it
   */
  Lease leaseFor(String fleet) {
    Standing s = standing.get(fleet);
    if (s != null && clock.instant().isBefore(s.lease.expiresAt().minus(skewMargin))) {
      return s.lease;
    }
    return acquire(fleet);
  }

  /**
   * Takes the lease of {@code fleet} and keeps it, renewed every third of its time to live,
   * until {@link #letGo}, a refusal by the store, or the engine stopping: the lease a controller
   * holds a fleet by. The runs of the fleet act under it and leave it held when they end.
   *
   * @return the lease
   * @throws FleetLockedException if another engine holds it
   */
  Lease hold(String fleet) {
    Standing held = standing.get(fleet);
    if (held != null) {
      return held.lease;
    }
    // a run of this engine already acts on the fleet (resumed or started before the hold):
    // hold under its lease, since a new grant would fence that run off
    Standing s = new Standing(trackedLease(fleet).orElseGet(() -> acquire(fleet)));
    standing.put(fleet, s);
    scheduler.schedule(() -> renewStanding(fleet, s), ttl.dividedBy(3));
    return s.lease;
  }

  /**
   * @return whether this engine still holds {@code fleet} for a controller, by its clock short of
   *     the lease's expiry minus the skew margin; a hold that is past it is dropped here
   */
  boolean holds(String fleet) {
    Standing s = standing.get(fleet);
    if (s == null) {
      return false;
    }
    Lease current = trackedLease(fleet).filter(l -> l.token() == s.lease.token())
        .orElse(s.lease);
    if (clock.instant().isBefore(current.expiresAt().minus(skewMargin))) {
      return true;
    }
    standing.remove(fleet, s);
    return false;
  }

  /** @return how long a lease holds without renewal */
  Duration leaseTtl() {
    return ttl;
  }

  /** @return the fleets this engine holds for a controller */
  List<String> held() {
    return List.copyOf(standing.keySet());
  }

  /**
   * Stops holding {@code fleet} for a controller, releasing its lease unless a run of the fleet
   * still acts under it (that run releases it when it ends).
   */
  void letGo(String fleet) {
    Standing s = standing.remove(fleet);
    if (s != null && trackedLease(fleet).isEmpty()) {
      store.release(s.lease);
    }
  }

  private Optional<Lease> trackedLease(String fleet) {
    return tracked.values().stream().filter(t -> t.lease.fleet().equals(fleet))
        .map(t -> t.lease).findFirst();
  }

  private void renewStanding(String fleet, Standing s) {
    if (standing.get(fleet) != s || !scheduler.isOpen()) {
      return;
    }
    Optional<Lease> run = trackedLease(fleet).filter(l -> l.token() == s.lease.token());
    if (run.isPresent()) {
      s.lease = run.get(); // the run renews it meanwhile
    } else if (!holds(fleet)) {
      return; // lapsed by this engine's clock (it was paused): no longer its fleet
    } else {
      try {
        s.lease = store.renew(s.lease, clock.instant(), ttl);
      } catch (StaleLeaseException e) {
        standing.remove(fleet, s); // another engine was granted the fleet
        return;
      } catch (RuntimeException e) {
        // a store hiccup: try again; holds() drops it once it is within the margin
      }
    }
    scheduler.schedule(() -> renewStanding(fleet, s), ttl.dividedBy(3));
  }

  /**
   * The end of a run's use of {@code lease}: released, unless a controller holds the fleet under
   * it, which then keeps it (renewed as the run last renewed it).
   */
  private void giveBack(Lease lease) {
    Standing s = standing.get(lease.fleet());
    if (s != null && s.lease.token() == lease.token()) {
      s.lease = lease;
      return;
    }
    store.release(lease);
  }

  /**
   * Checks, without taking it, that this engine could take the lease of {@code fleet} now.
   *
   * @throws FleetLockedException if another engine's lease of it still holds
   */
  void requireFree(String fleet) {
    Optional<Lease> current = store.lease(fleet);
    if (current.isPresent() && !current.get().holder().equals(identity)
        && current.get().isHeldAt(clock.instant())) {
      throw new FleetLockedException(current.get());
    }
  }

  /** Starts saving {@code run} under {@code lease} (saving it now) and renewing the lease. */
  void track(RolloutRun run, int resumes, Lease lease) {
    ensureWatching();
    Tracked t = new Tracked(run, resumes, lease);
    tracked.put(run.id(), t);
    Standing held = standing.get(lease.fleet());
    if (held != null && held.lease.token() == lease.token()) {
      // a controller's lease, adopted: renew it now, after the run is tracked (so a letGo from
      // here on leaves the release to the run), which also proves it was not let go of and
      // released meanwhile, and gives the run a whole TTL before its first renewal
      try {
        t.lease = store.renew(lease, clock.instant(), ttl);
        held.lease = t.lease;
      } catch (RuntimeException e) {
        tracked.remove(run.id(), t);
        if (e instanceof StaleLeaseException) {
          standing.remove(lease.fleet(), held);
        }
        throw e;
      }
    }
    try {
      save(t, run.current());
    } catch (RuntimeException e) {
      tracked.remove(run.id(), t);
      giveBack(t.lease);
      throw e;
    }
    scheduleRenewal(t);
    pollWhilePaused(t, run.current());
  }

  /** @return the runs being tracked */
  List<RolloutRun> runs() {
    return tracked.values().stream().map(t -> t.run).toList();
  }

  /**
   * Releases the leases of every tracked run and every fleet held for a controller, for a closing
   * engine (after it stopped).
   */
  void releaseAll() {
    Map<String, Long> released = new java.util.HashMap<>(); // fleet -> token released
    for (Tracked t : List.copyOf(tracked.values())) {
      if (tracked.remove(t.run.id(), t)) {
        store.release(t.lease);
        released.put(t.lease.fleet(), t.lease.token());
      }
    }
    for (String fleet : held()) {
      Standing s = standing.remove(fleet);
      if (s != null && !Long.valueOf(s.lease.token()).equals(released.get(fleet))) {
        store.release(s.lease);
      }
    }
  }

  /**
   * Whether {@code run} may make its next platform call: its lease is, by this engine's clock,
   * still short of its expiry minus the skew margin. If not, the run stops at once (see above).
   *
   * @return true if the run may act; false once it lost its lease (it is halted then)
   */
  boolean mayAct(RolloutRun run) {
    Tracked t = tracked.get(run.id());
    if (t == null || t.run != run) {
      return true; // not kept by this engine's store: nothing to fence (the run checks halted)
    }
    return !expiredLocally(t);
  }

  @Override
  public void onEvent(Rollout rollout, RolloutEvent event) {
    Tracked t = tracked.get(rollout.id());
    if (t == null || !scheduler.isOpen()) {
      return;
    }
    try {
      if (!describesOnly(event.type())) {
        save(t, rollout); // a descriptive event is saved with the next one, which carries it too
      }
    } catch (StaleLeaseException e) {
      lost(t, e, "lease-taken");
      return;
    }
    // the terminal event comes last (a PROGRESS to the end may come first, already terminal):
    // release after saving it, so the stored record is the rollout's last snapshot
    if (rollout.isDone() && isTerminal(event.type()) && tracked.remove(rollout.id(), t)) {
      giveBack(t.lease);
      return;
    }
    pollWhilePaused(t, rollout);
  }

  private static boolean describesOnly(RolloutEvent.Type type) {
    return type == RolloutEvent.Type.OBSERVED || type == RolloutEvent.Type.MEASURED;
  }

  private static boolean isTerminal(RolloutEvent.Type type) {
    return type == RolloutEvent.Type.SUCCEEDED || type == RolloutEvent.Type.ROLLED_BACK
        || type == RolloutEvent.Type.FAILED;
  }

  /**
   * Asks the store for control requests of {@code run} if a poll interval passed since the last
   * time: called by the run's tick, which comes at least every poll interval while it is not
   * paused (a paused run has a timer of its own), so a request arrives within one poll.
   */
  void controlsDue(RolloutRun run) {
    Tracked t = tracked.get(run.id());
    if (t == null || t.run != run) {
      return;
    }
    synchronized (t.polling) {
      Instant last = t.lastPoll;
      if (last != null && clock.instant().isBefore(last.plus(pollInterval))) {
        return;
      }
      pollControls(t);
    }
  }

  /** @return whether the run does not tick by itself: paused, or held by a deployment window */
  private static boolean idle(Rollout rollout) {
    return rollout.phase() == RolloutPhase.PAUSED || rollout.waiting().filter(w -> w.reason()
        == dev.molt.rollout.Wait.Reason.OUTSIDE_WINDOW).isPresent();
  }

  /** A paused run does not tick: poll its controls on a timer until it is no longer paused. */
  private void pollWhilePaused(Tracked t, Rollout rollout) {
    if (idle(rollout) && t.pausedPolling.compareAndSet(false, true)) {
      scheduler.schedule(() -> pausedPoll(t), pollInterval);
    }
  }

  private void pausedPoll(Tracked t) {
    if (tracked.get(t.run.id()) != t) {
      return;
    }
    t.pausedPolling.set(false); // first: a pause that comes meanwhile starts the timer again
    if (!idle(t.run.current())
        || !t.pausedPolling.compareAndSet(false, true)) {
      return;
    }
    controlsDue(t.run);
    if (tracked.get(t.run.id()) == t) {
      scheduler.schedule(() -> pausedPoll(t), pollInterval);
    } else {
      t.pausedPolling.set(false);
    }
  }

  private void save(Tracked t, Rollout rollout) {
    Optional<LaunchSpec> previous = rollout.from().flatMap(known);
    store.save(t.lease, new RolloutRecord(t.run.spec(), previous, rollout, t.resumes,
        t.run.stepRecord(), t.run.reconcileSpec(), t.answers(), t.run.failureCauses()));
  }

  /**
   * Applies the control requests of another process that this engine has not answered yet.
   * Called holding {@code t.polling}, never a run's or a state's lock.
   */
  private void pollControls(Tracked t) {
    t.lastPoll = clock.instant();
    List<ControlRequest> requests;
    try {
      requests = store.requests(t.run.id());
    } catch (RuntimeException e) {
      return; // a store hiccup: ask again at the next poll
    }
    for (ControlRequest r : requests) {
      if (tracked.get(t.run.id()) != t) {
        return; // ended, or the lease was lost by a control or meanwhile
      }
      if (!t.answered(r.id())) {
        take(t, r);
      }
    }
  }

  /**
   * At most once: the request is answered TAKEN in a saved record before it is applied, so no
   * engine applies it again, even after a crash; then APPLIED or REFUSED.
   */
  private void take(Tracked t, ControlRequest r) {
    t.answer(new ControlAnswer(r.id(), ControlAnswer.Outcome.TAKEN, "taken", identity,
        clock.instant()));
    try {
      save(t, t.run.current());
    } catch (StaleLeaseException e) {
      lost(t, e, "lease-taken");
      return;
    } catch (RuntimeException e) {
      t.forget(r.id()); // not recorded: take it at the next poll
      return;
    }
    if (!mayAct(t.run)) {
      return;
    }
    ControlAnswer outcome;
    try {
      t.run.apply(r);
      outcome = new ControlAnswer(r.id(), ControlAnswer.Outcome.APPLIED, "applied", identity,
          clock.instant());
    } catch (IllegalControlException e) {
      outcome = new ControlAnswer(r.id(), ControlAnswer.Outcome.REFUSED, e.getMessage(),
          identity, clock.instant());
    }
    t.answer(outcome);
    if (tracked.get(t.run.id()) != t) {
      return; // the control ended the run, whose last record was saved with its last event
    }
    try {
      save(t, t.run.current());
    } catch (StaleLeaseException e) {
      lost(t, e, "lease-taken");
    } catch (RuntimeException e) {
      // saved with the next event or control instead
    }
  }

  private void scheduleRenewal(Tracked t) {
    scheduler.schedule(() -> renew(t), ttl.dividedBy(3));
  }

  private void renew(Tracked t) {
    if (tracked.get(t.run.id()) != t) {
      return; // finished, or the engine stopped tracking it
    }
    if (expiredLocally(t)) {
      return; // halted by the check
    }
    try {
      t.lease = store.renew(t.lease, clock.instant(), ttl);
      scheduleRenewal(t);
    } catch (StaleLeaseException e) {
      lost(t, e, "lease-taken"); // another engine was granted the fleet: stop driving it at once
    } catch (RuntimeException e) {
      scheduleRenewal(t); // a store hiccup: try again; the skew check stops the run in time
    }
  }

  /** Checks the lease by the engine's clock, halting the run if it is within the margin. */
  private boolean expiredLocally(Tracked t) {
    Lease lease = t.lease;
    Instant now = clock.instant();
    Instant deadline = lease.expiresAt().minus(skewMargin);
    if (now.isBefore(deadline)) {
      return false;
    }
    lost(t, new MoltException("engine " + identity + " stopped driving rollout " + t.run.id()
        + " of fleet " + lease.fleet() + ": its lease (token " + lease.token() + ") expires at "
        + lease.expiresAt() + " and it is " + now + " by its clock, within the skew margin of "
        + skewMargin + ", with no renewal; another engine may hold the fleet now. Resume the"
        + " rollout from the store (resumeAll) to drive it again"), "lease-expired");
    return true;
  }

  private void lost(Tracked t, RuntimeException why, String reason) {
    if (!tracked.remove(t.run.id(), t)) {
      return; // already lost, finished or released
    }
    Lease lease = t.lease;
    Standing hold = standing.get(lease.fleet());
    if (hold != null && hold.lease.token() == lease.token()) {
      standing.remove(lease.fleet(), hold); // the controller's hold was that lease: lost with it
    }
    t.run.leaseLost(clock.instant(), "action=halt reason=" + reason + " token=" + lease.token()
        + " leaseUntil=" + lease.expiresAt() + (why instanceof StaleLeaseException s
            ? " newestToken=" + s.newestToken() + s.newestHolder().map(h -> " holder=" + h)
                .orElse("") : " skewMargin=" + skewMargin), why);
  }
}
