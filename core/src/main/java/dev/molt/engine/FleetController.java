package dev.molt.engine;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.time.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller mode: several engines sharing one {@link RolloutStore} share a set of fleets. Each
 * engine's controller claims fleets nobody holds, up to its fair share, keeps their leases between
 * and across runs, resumes any unfinished rollout of a fleet it holds (a dead engine's, taken over
 * once its lease lapsed), and otherwise reconciles each held fleet to its declared spec every
 * reconcile interval, so drifted, tainted, unhealthy and missing instances are replaced and a
 * changed declared spec rolls out. Rollouts started with {@link RolloutEngine#start} on the
 * engine that holds a fleet run under the controller's lease.
 *
 * <pre>{@code
 * RolloutEngine engine = RolloutEngine.builder(provider).store(postgres).identity("deployer-a")
 *     .build();
 * FleetController controller = FleetController.builder(engine)
 *     .fleets(() -> declaredFleets())          // the same set on every engine
 *     .maxFleets(50)
 *     .start();
 * ...
 * controller.close(); // lets go of idle fleets at once; running rollouts finish first
 * }</pre>
 *
 * <p><b>Fair share.</b> Engines see each other through membership leases on reserved names
 * {@code controller-<group>-<i>}, {@code i < maxEngines}: each controller holds one, renewed like
 * a fleet lease, so a dead engine drops out after one lease TTL. With {@code m} live members and
 * {@code f} fleets, a controller's share is {@code min(maxFleets, ceil(f / m))}. It claims free
 * fleets while under its share, and lapsed ones (their holder stopped renewing) up to {@code
 * maxFleets}; once it has held more than its share for a whole lease TTL it lets go of one idle
 * fleet (no run acting on it) per tick. So an engine that joins takes its share as the others
 * shed, and the survivors of a death take its fleets over at the first tick after their leases
 * lapse, without waiting for its membership to lapse too.
 *
 * <p><b>Safety</b> is the store's, not the controller's: every hold is a fenced lease, and a run
 * stops before its next platform call once its engine can no longer be sure it holds it (see
 * {@code docs/store-and-resume.md}). A controller whose engine was paused past its leases drops
 * them when it wakes, before it drives anything.
 *
 * <p>The tick runs on the engine's scheduler (virtual time in tests). Thread-safe.
 */
public final class FleetController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetController.class);

  private final RolloutEngine engine;
  private final RolloutPersistence persistence;
  private final RolloutStore store;
  private final EngineContext context;
  private final String group;
  private final Supplier<List<ReconcileSpec>> fleets;
  private final int maxFleets;
  private final int maxEngines;
  private final Duration tick;
  private final Duration reconcileInterval;
  private final Consumer<ReconcileReport> onReport;
  private final Set<String> mine = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> lastPass = new ConcurrentHashMap<>();
  // guarded by this
  private Optional<String> slot = Optional.empty();
  private Optional<Instant> overShareSince = Optional.empty();
  // held by a tick and by close: a tick in progress finishes before close lets go
  private final Object ticking = new Object();
  private boolean closed;
  private Cancellable next = Cancellable.none();
  private int members = 1;

  private FleetController(Builder b) {
    this.engine = b.engine;
    this.persistence = b.engine.persistence();
    this.store = b.engine.store();
    this.context = b.engine.context();
    this.group = b.group;
    this.fleets = b.fleets;
    this.maxFleets = b.maxFleets;
    this.maxEngines = b.maxEngines;
    this.tick = b.tick.orElse(context.pollInterval());
    this.reconcileInterval = b.reconcileInterval;
    this.onReport = b.onReport;
  }

  /**
   * Starts a builder.
   *
   * @param engine the engine whose fleets the controller keeps; it should share its store with
   *     the other engines of the group
   * @return a builder: group {@code default}, no fleets, at most 100 fleets, 16 engines, a tick of
   *     the engine's poll interval, a reconcile pass per held fleet every minute
   */
  public static Builder builder(RolloutEngine engine) {
    return new Builder(Arguments.required(engine, "engine"));
  }

  /** @return the fleets this controller holds now, sorted */
  public List<String> held() {
    return mine.stream().sorted().toList();
  }

  /** @return how many engines of the group this controller saw alive at its last tick (itself included) */
  public synchronized int members() {
    return members;
  }

  /**
   * Stops the controller: no tick runs after this, the fleets it holds with no run acting on them
   * are let go of at once (another engine may claim them), and a run still acting releases its
   * fleet when it ends. Idempotent.
   */
  @Override
  public void close() {
    synchronized (ticking) { // after a tick in progress, so it cannot hold anything again
      Optional<String> own;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        next.cancel();
        own = slot;
        slot = Optional.empty();
      }
      for (String fleet : List.copyOf(mine)) {
        mine.remove(fleet);
        persistence.letGo(fleet);
      }
      own.ifPresent(persistence::letGo);
    }
  }

  private synchronized void schedule(Duration delay) {
    if (!closed) {
      next = context.scheduler().schedule(this::tickSafely, delay);
    }
  }

  private void tickSafely() {
    try {
      synchronized (ticking) {
        tick();
      }
    } catch (RuntimeException e) {
      LOG.warn("controller={} group={} action=tick-failed error={}", engine.identity(), group,
          e.toString());
    }
    schedule(tick);
  }

  /** One round: membership, dropped holds, shedding or claiming, then driving the held fleets. */
  private void tick() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    Map<String, ReconcileSpec> declared = declared();
    int live = membership();
    mine.removeIf(fleet -> {
      if (persistence.holds(fleet)) {
        return false;
      }
      LOG.warn("controller={} fleet={} action=drop reason=lease-lost", engine.identity(), fleet);
      return true;
    });
    int share = Math.min(maxFleets, (declared.size() + live - 1) / Math.max(live, 1));
    for (String fleet : List.copyOf(mine)) {
      if (!declared.containsKey(fleet) && engine.active(fleet).isEmpty()) {
        letGo(fleet, "no-longer-declared");
      }
    }
    shed(share, live);
    claim(declared, share);
    drive(declared);
  }

  private Map<String, ReconcileSpec> declared() {
    Map<String, ReconcileSpec> byFleet = new LinkedHashMap<>();
    for (ReconcileSpec spec : Arguments.copyOf(fleets.get(), "fleets")) {
      if (spec.fleet().startsWith("controller-" + group + "-")) {
        throw new InvalidSpecException("fleets", "declares fleet " + spec.fleet() + ", a name"
            + " reserved for the membership leases of group " + group + "; rename the fleet");
      }
      if (byFleet.put(spec.fleet(), spec) != null) {
        throw new InvalidSpecException("fleets", "declares fleet " + spec.fleet() + " twice;"
            + " give each fleet one reconcile spec");
      }
    }
    return byFleet;
  }

  /** Holds this engine's membership slot and counts the live members of the group. */
  private int membership() {
    Instant now = context.clock().instant();
    Optional<String> own;
    synchronized (this) {
      own = slot.filter(persistence::holds);
    }
    int live = 0;
    for (int i = 0; i < maxEngines; i++) {
      String name = slotName(i);
      if (own.isEmpty()) {
        try {
          persistence.hold(name);
          own = Optional.of(name);
          synchronized (this) {
            slot = own; // at once: a store failure later in this loop must not orphan it
          }
          live++;
          continue;
        } catch (FleetLockedException e) {
          // another engine's slot: counted below
        }
      }
      if (own.filter(name::equals).isPresent()) {
        live++;
        continue;
      }
      Optional<Lease> other = store.lease(name);
      if (other.isPresent() && other.get().isHeldAt(now)) {
        live++;
      }
    }
    synchronized (this) {
      slot = own;
      members = Math.max(live, 1);
      return members;
    }
  }

  private String slotName(int i) {
    return "controller-" + group + "-" + i;
  }

  private void letGo(String fleet, String why) {
    mine.remove(fleet);
    persistence.letGo(fleet);
    LOG.info("controller={} fleet={} action=let-go reason={}", engine.identity(), fleet, why);
  }

  /**
   * Lets go of one idle fleet once this controller has held more than its share for a whole
   * lease TTL: right after a death it holds more (it took the dead engine's lapsed fleets over
   * before the dead engine's membership lapsed and the shares grew), and shedding then would only
   * free fleets that nobody under its share is there to take.
   */
  private void shed(int share, int live) {
    Instant now = context.clock().instant();
    synchronized (this) {
      if (mine.size() <= share) {
        overShareSince = Optional.empty();
        return;
      }
      if (overShareSince.isEmpty()) {
        overShareSince = Optional.of(now);
      }
      if (now.isBefore(overShareSince.get().plus(persistence.leaseTtl()))) {
        return;
      }
    }
    mine.stream().filter(f -> engine.active(f).isEmpty()).sorted().findFirst()
        .ifPresent(f -> letGo(f, "over-share share=" + share + " members=" + live));
  }

  /**
   * Claims declared fleets: free ones (no lease) until this controller holds its share, and
   * lapsed ones (an engine stopped renewing: it died or is paused) up to {@code maxFleets}, so
   * that a dead engine's fleets are taken over at the first tick after their leases lapse, not
   * only once its membership lapsed too.
   */
  private void claim(Map<String, ReconcileSpec> declared, int share) {
    Instant now = context.clock().instant();
    List<String> candidates = declared.keySet().stream().filter(f -> !mine.contains(f))
        // engines try the fleets in different orders, so that they rarely race for one
        .sorted(Comparator.comparingInt(f -> (f + "/" + engine.identity()).hashCode()))
        .toList();
    for (String fleet : candidates) {
      if (mine.size() >= maxFleets) {
        return;
      }
      Optional<Lease> current;
      try {
        current = store.lease(fleet);
      } catch (RuntimeException e) {
        continue; // a store hiccup: the next tick asks again; the held fleets still get driven
      }
      boolean others = current.isPresent()
          && !current.get().holder().equals(engine.identity());
      if (others && current.get().isHeldAt(now)) {
        continue; // another engine's, and it holds
      }
      if (!others && mine.size() >= share) {
        continue; // free (or this engine's own from before): only within the share
      }
      try {
        Lease lease = persistence.hold(fleet);
        mine.add(fleet);
        LOG.info("controller={} fleet={} action=claim token={} previousHolder={}",
            engine.identity(), fleet, lease.token(),
            current.map(Lease::holder).orElse("none"));
      } catch (FleetLockedException e) {
        // another engine claimed it first
      }
    }
  }

  /** Resumes each held fleet's unfinished rollout, or reconciles the fleet when its pass is due. */
  private void drive(Map<String, ReconcileSpec> declared) {
    Map<String, List<RolloutRecord>> unfinished = store.unfinished().stream()
        .collect(Collectors.groupingBy(RolloutRecord::fleet));
    Instant now = context.clock().instant();
    for (String fleet : List.copyOf(mine)) {
      if (engine.active(fleet).isPresent() || !persistence.holds(fleet)) {
        continue;
      }
      List<RolloutRecord> left = unfinished.getOrDefault(fleet, List.of());
      try {
        Optional<RolloutRecord> open = left.stream()
            // read again: the list is from the tick's start, and a pass may have ended since
            .map(r -> store.load(r.id())).flatMap(Optional::stream)
            .filter(r -> !r.isFinished()).findFirst();
        if (open.isPresent()) {
          RolloutRecord record = open.get();
          engine.resume(record.id());
          LOG.info("controller={} fleet={} rollout={} action=resume phase={}", engine.identity(),
              fleet, record.id(), record.rollout().phase());
          continue;
        }
        Instant last = lastPass.get(fleet);
        ReconcileSpec spec = declared.get(fleet);
        if (spec != null && (last == null || !now.isBefore(last.plus(reconcileInterval)))) {
          lastPass.put(fleet, now);
          engine.reconcile(spec).completion().whenComplete((report, error) -> {
            if (report != null) {
              report(report);
            }
          });
        }
      } catch (RuntimeException e) {
        LOG.warn("controller={} fleet={} action=drive-failed error={}", engine.identity(), fleet,
            e.toString());
      }
    }
  }

  private void report(ReconcileReport report) {
    try {
      onReport.accept(report);
    } catch (RuntimeException e) {
      LOG.warn("controller={} action=report-failed error={}", engine.identity(), e.toString());
    }
  }

  /** Builds and starts a {@link FleetController}. Not thread-safe. */
  public static final class Builder {
    private final RolloutEngine engine;
    private String group = "default";
    private Supplier<List<ReconcileSpec>> fleets = List::of;
    private int maxFleets = 100;
    private int maxEngines = 16;
    private Optional<Duration> tick = Optional.empty();
    private Duration reconcileInterval = Duration.ofMinutes(1);
    private Consumer<ReconcileReport> onReport = r -> { };

    private Builder(RolloutEngine engine) {
      this.engine = engine;
    }

    /**
     * @param name the group of engines that share the fleets: lowercase letters, digits and
     *     {@code -}, at most 20 characters; its membership leases are named {@code
     *     controller-<name>-<i>}, so no fleet may be named so
     * @return this builder
     */
    public Builder group(String name) {
      Arguments.notBlank(name, "group");
      if (!name.matches("[a-z0-9-]{1,20}")) {
        throw new InvalidSpecException("group", "is '" + name + "'; use 1 to 20 lowercase"
            + " letters, digits and '-'");
      }
      this.group = name;
      return this;
    }

    /**
     * @param declared the fleets the group keeps, one reconcile spec per fleet (not dry runs),
     *     the same on every engine
     * @return this builder
     */
    public Builder fleets(List<ReconcileSpec> declared) {
      List<ReconcileSpec> copy = Arguments.copyOf(declared, "fleets");
      return fleets(() -> copy);
    }

    /**
     * @param declared asked at every tick for the fleets the group keeps, so that a changed
     *     declared spec rolls out at the held fleet's next reconcile pass; it must not return null
     * @return this builder
     */
    public Builder fleets(Supplier<List<ReconcileSpec>> declared) {
      this.fleets = Arguments.required(declared, "fleets");
      return this;
    }

    /**
     * @param most the most fleets this engine holds at once, at least 1
     * @return this builder
     */
    public Builder maxFleets(int most) {
      this.maxFleets = Arguments.positive(most, "maxFleets");
      return this;
    }

    /**
     * @param most the most engines the group may have, at least 1 (one membership lease each)
     * @return this builder
     */
    public Builder maxEngines(int most) {
      this.maxEngines = Arguments.positive(most, "maxEngines");
      return this;
    }

    /**
     * @param interval how often the controller claims, sheds and drives, positive; at most a third
     *     of the engine's lease TTL is sensible, so that takeover comes soon after a lapse
     * @return this builder
     */
    public Builder tick(Duration interval) {
      this.tick = Optional.of(Arguments.positive(interval, "tick"));
      return this;
    }

    /**
     * @param interval how long after one reconcile pass of a held fleet the next starts, positive
     * @return this builder
     */
    public Builder reconcileInterval(Duration interval) {
      this.reconcileInterval = Arguments.positive(interval, "reconcileInterval");
      return this;
    }

    /**
     * @param listener told about every finished reconcile pass; an exception it throws is logged
     * @return this builder
     */
    public Builder onReport(Consumer<ReconcileReport> listener) {
      this.onReport = Arguments.required(listener, "onReport");
      return this;
    }

    /**
     * Starts the controller: its first tick is scheduled at once.
     *
     * @return the running controller
     * @throws InvalidSpecException if a declared fleet is a dry run or declared twice
     */
    public FleetController start() {
      List<ReconcileSpec> now = Arguments.copyOf(fleets.get(), "fleets");
      Set<String> seen = new HashSet<>();
      List<String> dry = new ArrayList<>();
      for (ReconcileSpec spec : now) {
        if (!seen.add(spec.fleet())) {
          throw new InvalidSpecException("fleets", "declares fleet " + spec.fleet() + " twice;"
              + " give each fleet one reconcile spec");
        }
        if (spec.dryRun()) {
          dry.add(spec.fleet());
        }
        if (spec.fleet().startsWith("controller-" + group + "-")) {
          throw new InvalidSpecException("fleets", "declares fleet " + spec.fleet() + ", a name"
              + " reserved for the membership leases of group " + group + "; rename the fleet");
        }
      }
      if (!dry.isEmpty()) {
        throw new InvalidSpecException("fleets", "declares dry runs for " + dry + "; a"
            + " controller keeps fleets, so give it acting reconcile specs");
      }
      FleetController controller = new FleetController(this);
      controller.schedule(Duration.ZERO);
      return controller;
    }
  }
}
