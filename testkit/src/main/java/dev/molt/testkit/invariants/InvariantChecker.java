package dev.molt.testkit.invariants;

import dev.molt.rollout.FailurePolicy;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a rollout on an {@link InMemoryProvider} against what Molt promises, from the platform's
 * ground truth, and collects every breach as a readable line. Register it as a listener of every
 * engine that drives the fleet and give those engines {@link #wrap(Provider)} as their provider.
 *
 * <ul>
 *   <li><b>floor</b>: a drain never takes serving healthy capacity below the strategy's floor (nor
 *       below what served before, while under it), and at every event serving capacity is at
 *       least that floor, in both cases less the instances the <em>platform</em> broke (those
 *       seen healthy that later failed their health check or died on their own, which no
 *       strategy can prevent). Behind a router with a split set, only instances of revisions
 *       with weight above 0 serve; while no split is set, instances launched to hold traffic
 *       ({@code LaunchRequest.holdTraffic}) do not;
 *   <li><b>ceiling</b>: at every event, instances (launching, serving, draining) ≤ the ceiling;
 *   <li><b>serving instances are drained first</b>: nothing the engine last saw healthy is
 *       terminated without a drain;
 *   <li><b>floor after the switch</b>: once all traffic went to the new revision, the limits of
 *       {@link Limits#afterSwitch};
 *   <li><b>traffic</b>: a split the engine sets puts weight only on revisions with an instance
 *       serving; at every event no weight rests on an instance the engine drained (read through a
 *       {@link TrafficProbe}); at the end, traffic rests wholly on the revision the fleet ended on;
 *   <li><b>traffic follows health</b> ({@link TrafficFollowsHealth}): no weight rests on a
 *       revision with no healthy instance for longer than the spec's {@code trafficGrace} plus a
 *       10 s reaction slack plus one poll interval, while another revision has a healthy one
 *       (the clocks start again when the engine crashed or the router refused a split);
 *   <li><b>calls per instant</b> ({@link CallsPerInstant}): at most 64 platform calls per fleet
 *       at one virtual instant;
 *   <li><b>liveness</b> ({@link #checkLiveness}): every run ends within a {@link Liveness} bound
 *       computed from its spec;
 *   <li><b>windows</b> ({@link WindowRule}): no launch, drain, weight change or terminate outside
 *       the spec's deployment windows before the rollout first acted inside one, nor, under
 *       {@code WindowEnd.PAUSE}, after a window's end (but the terminate of instances it had
 *       drained); a rollback is never held;
 *   <li><b>ownership</b>: nothing without Molt's owner labels is drained or terminated, and every
 *       foreign instance present at the start is still alive at the end;
 *   <li><b>end</b>: SUCCEEDED leaves exactly {@code capacity} healthy instances of the new revision
 *       and nothing else; ROLLED_BACK exactly {@code capacity} of the previous one (or none if it
 *       could not be relaunched); FAILED is itself reported (except under {@link
 *       FailurePolicy#STOP}, a reconcile's, which ends FAILED where it stands by design); no
 *       failed, draining or third-revision instance remains.
 * </ul>
 *
 * Limitation: a scale-down that terminates healthy but not-yet-ready surplus instances would be
 * reported by the drain-first check. Thread-safe.
 */
public final class InvariantChecker implements RolloutListener {
  /** The poll interval assumed unless given: the simulated platform's engines' 5 s. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  /** The calls that change a fleet, besides terminate (checked with the instances it ends). */
  private static final Set<String> CHANGES = Set.of("launch", "drain", "set-weights");

  private final InMemoryProvider platform;
  private final RolloutSpec spec;
  private final Limits limits;
  private final Limits afterSwitch;
  private boolean switched;
  private final TrafficProbe traffic;
  private final Set<String> foreign;
  private final Set<String> held = new HashSet<>();
  private final int initialTotal;
  private final Set<String> everHealthy = new HashSet<>();
  private final Set<String> lost = new HashSet<>();
  private final Map<String, Health> lastVerdict = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final Clock clock;
  private final TrafficFollowsHealth followsHealth;
  private final CallsPerInstant calls = new CallsPerInstant();
  private final WindowRule windows;
  private final Map<String, Instant> runStarts = new LinkedHashMap<>();
  private final Map<String, Instant> runEnds = new HashMap<>();
  private String run = "";
  private Instant sampledAt = Instant.MIN;
  private Revision target;
  private int peakServing;
  private boolean toNothing;
  private RolloutPhase end;

  private InvariantChecker(InMemoryProvider platform, RolloutSpec spec, TrafficProbe traffic,
      Duration pollInterval) {
    this.platform = platform;
    this.spec = spec;
    this.clock = platform.clock();
    this.target = spec.target().revision();
    this.followsHealth = new TrafficFollowsHealth(spec.trafficGrace(), pollInterval);
    this.limits = Limits.of(spec, platform.router().isPresent());
    this.afterSwitch = Limits.afterSwitch(spec, platform.router().isPresent());
    this.traffic = traffic;
    this.windows = new WindowRule(spec);
    List<Instance> all = platform.instances(spec.fleet());
    this.foreign = all.stream().filter(i -> !owned(i)).map(Instance::id)
        .collect(Collectors.toSet());
    List<Instance> truth = truth();
    this.initialTotal = countTotal(truth);
    truth.stream().filter(Instance::isHealthy).forEach(i -> everHealthy.add(i.id()));
    this.peakServing = everHealthy.size();
  }

  /**
   * Starts checking a rollout about to start on {@code platform}, reading traffic from its
   * in-memory router if it has one ({@link TrafficProbe#of}).
   *
   * @param platform the simulated platform
   * @param spec the rollout's spec
   * @return the checker
   */
  public static InvariantChecker of(InMemoryProvider platform, RolloutSpec spec) {
    return of(platform, spec, TrafficProbe.of(platform));
  }

  /**
   * Starts checking a rollout about to start on {@code platform}, driven by engines polling every
   * {@code pollInterval} (which bounds how fast they can see health change).
   *
   * @param platform the simulated platform
   * @param spec the rollout's spec
   * @param pollInterval the engines' poll interval
   * @return the checker
   */
  public static InvariantChecker of(InMemoryProvider platform, RolloutSpec spec,
      Duration pollInterval) {
    return new InvariantChecker(platform, spec, TrafficProbe.of(platform), pollInterval);
  }

  /**
   * Starts checking a rollout about to start on {@code platform}, with a traffic router.
   *
   * @param platform the simulated platform
   * @param spec the rollout's spec
   * @param traffic reads the router's weights
   * @return the checker
   */
  public static InvariantChecker of(InMemoryProvider platform, RolloutSpec spec,
      TrafficProbe traffic) {
    return new InvariantChecker(platform, spec, traffic, DEFAULT_POLL);
  }

  /**
   * Wraps the provider an engine drives, so that the checker sees each call as it happens.
   *
   * @param provider normally the same {@link InMemoryProvider}
   * @return the provider to give the engine
   */
  public Provider wrap(Provider provider) {
    return new CheckingProvider(provider, this);
  }

  /** @return every breach so far, oldest first; empty if none */
  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * Liveness: every run seen (the rollout, and any run a control started after it: an undo, a
   * retry) reached a terminal phase within {@code liveness}'s bound of its first event. Call it
   * once the campaign stopped driving the time; a run still going is reported when its bound has
   * passed by now.
   *
   * @param liveness the bound of one run
   */
  public synchronized void checkLiveness(Liveness liveness) {
    Instant now = clock.instant();
    runStarts.forEach((id, start) -> {
      Instant stop = runEnds.getOrDefault(id, now);
      Duration took = Duration.between(start, stop);
      if (took.compareTo(liveness.bound()) > 0 || !runEnds.containsKey(id)) {
        violations.add("liveness: run " + id + " " + (runEnds.containsKey(id) ? "ended after "
            + took : "had not ended after " + took) + ", beyond its " + liveness.explanation());
      }
    });
  }

  /**
   * The engine driving the fleet stopped (crashed): nobody can react to the platform until another
   * engine resumes, so the traffic-follows-health clocks start again then.
   */
  public synchronized void engineStopped() {
    followsHealth.reset();
  }

  /**
   * The router refused a split the engine asked for: no engine can move traffic the platform will
   * not move, so the traffic-follows-health clocks start again from now.
   */
  synchronized void setWeightsRefused() {
    followsHealth.restart(clock.instant());
  }

  /** @return the terminal phase once a terminal event was checked; empty before */
  public synchronized Optional<RolloutPhase> end() {
    return Optional.ofNullable(end);
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (!rollout.fleet().equals(spec.fleet())) {
      return;
    }
    if (!rollout.id().equals(run)) {
      newRun(rollout, event);
    }
    windows.event(rollout);
    if (event.type() == RolloutEvent.Type.ABORTING && event.message().contains(" to=none")) {
      toNothing = true;
    }
    List<Instance> truth = truth();
    noteHealth(truth);
    int serving = (int) truth.stream().filter(Instance::isHealthy).count();
    peakServing = Math.max(peakServing, serving);
    int floor = Math.min(floor(), peakServing) - lost.size();
    if (serving < floor) {
      fail(event, "serving " + serving + " < floor " + floor + " (strategy floor " + floor()
          + ", instances lost to the platform " + lost.size() + ")", truth);
    }
    int total = countTotal(truth);
    int ceiling = Math.max(limits.ceiling(), initialTotal);
    if (total > ceiling) {
      fail(event, "total " + total + " > ceiling " + ceiling, truth);
    }
    checkTraffic(event, truth);
    if (rollout.isDone()) {
      runEnds.putIfAbsent(rollout.id(), event.at());
      checkEnd(rollout, event, truth);
    }
  }

  /** A run begins (a control such as undo or retry started another): its own target and end. */
  private void newRun(Rollout rollout, RolloutEvent event) {
    run = rollout.id();
    runStarts.putIfAbsent(run, rollout.startedAt().isBefore(event.at()) ? rollout.startedAt()
        : event.at());
    target = rollout.to();
    switched = false;
    toNothing = false;
    end = null;
    windows.newRun();
  }

  /** Counts a platform call and samples whether traffic follows health. */
  synchronized void call(String fleet, String operation) {
    Instant now = clock.instant();
    calls.call(fleet, operation, now).ifPresent(violations::add);
    if (fleet.equals(spec.fleet()) && CHANGES.contains(operation)) {
      windows.change(operation, now, false).ifPresent(violations::add);
    }
    if (fleet.equals(spec.fleet()) && end == null && !now.equals(sampledAt)) {
      sampledAt = now; // once per instant: the fleet cannot change between calls of one instant
      followsHealth.sample(now, split(), truth()).ifPresent(violations::add);
    }
  }

  /** Notes the instances launched to hold traffic until a split is set. */
  synchronized void launched(boolean holdTraffic, List<Instance> instances) {
    if (holdTraffic && platform.router().isPresent()) {
      instances.forEach(i -> held.add(i.id()));
    }
  }

  synchronized void afterSetWeights(Map<Revision, Integer> weights) {
    switched |= weights.getOrDefault(target, 0) == 100;
  }

  private Map<Revision, Integer> split() {
    return platform.router().map(r -> r.weights(spec.fleet())).orElse(Map.of());
  }

  synchronized void observed(List<Instance> seen) {
    for (Instance i : seen) {
      if (i.state() == InstanceState.FAILED && everHealthy.contains(i.id())) {
        lost.add(i.id());
      }
    }
  }

  synchronized void verdicts(Map<String, Health> verdicts) {
    verdicts.forEach((id, health) -> {
      lastVerdict.put(id, health);
      if (health == Health.HEALTHY) {
        everHealthy.add(id);
      } else if (everHealthy.contains(id)) {
        lost.add(id);
      }
    });
  }

  /** A split may put weight only on revisions with an instance serving (or last seen serving). */
  synchronized void beforeSetWeights(Map<Revision, Integer> weights) {
    List<Instance> truth = truth();
    weights.forEach((revision, weight) -> {
      boolean serves = truth.stream().anyMatch(i -> i.revision().equals(revision)
          && (i.isHealthy() || stale(i)));
      if (weight > 0 && !serves) {
        violations.add("set-weights puts " + weight + "% on " + revision + ", which has no"
            + " serving instance; fleet: " + describe(truth));
      }
    });
  }

  synchronized void beforeDrain(List<Instance> drained) {
    checkOwned("drain", drained);
    if (toNothing) {
      drained.stream().filter(i -> !i.revision().equals(target))
          .forEach(i -> violations.add("drain of " + i.id() + " of " + i.revision() + " while"
              + " removing only the new revision (previous revision unknown)"));
    }
    List<Instance> truth = truth();
    // behind a router, an instance of a revision at 0 % serves nothing, nor, while no split is
    // set, one launched to hold traffic until a split (LaunchRequest.holdTraffic)
    Map<Revision, Integer> split = split();
    Set<String> serving = truth.stream().filter(i -> i.isHealthy() || stale(i))
        .filter(i -> split.isEmpty() ? !held.contains(i.id())
            : split.getOrDefault(i.revision(), 0) > 0)
        .map(Instance::id).collect(Collectors.toCollection(HashSet::new));
    int before = serving.size();
    drained.forEach(i -> serving.remove(i.id()));
    // as at every event, the floor is less the instances the platform broke
    int required = Math.min(floor(), before) - lost.size();
    if (serving.size() < required) {
      violations.add("drain of " + ids(drained) + " takes serving capacity from " + before
          + " to " + serving.size() + ", below " + required + " (strategy floor " + floor()
          + ", instances lost to the platform " + lost.size() + "); fleet: " + describe(truth));
    }
  }

  synchronized void beforeTerminate(List<Instance> terminated) {
    checkOwned("terminate", terminated);
    Map<String, Instance> truth = truth().stream()
        .collect(Collectors.toMap(Instance::id, i -> i));
    windows.change("terminate", clock.instant(), terminated.stream().allMatch(i -> truth.get(
        i.id()) == null || truth.get(i.id()).state().isDraining())).ifPresent(violations::add);
    for (Instance i : terminated) {
      Instance now = truth.get(i.id());
      if (now != null && now.isHealthy() && lastVerdict.get(i.id()) == Health.HEALTHY) {
        violations.add("terminate of serving instance " + i.id() + " without draining it first");
      }
    }
  }

  /** An instance the engine last saw healthy that the platform broke since: it cannot know. */
  private boolean stale(Instance i) {
    return !i.isHealthy() && !i.state().isDraining()
        && lastVerdict.get(i.id()) == Health.HEALTHY;
  }

  private void checkOwned(String operation, List<Instance> instances) {
    for (Instance i : instances) {
      if (foreign.contains(i.id()) || !owned(i)) {
        violations.add(operation + " of " + i.id() + ", which Molt does not own");
      }
    }
  }

  private void noteHealth(List<Instance> truth) {
    for (Instance i : truth) {
      if (i.isHealthy()) {
        everHealthy.add(i.id());
      } else if (everHealthy.contains(i.id()) && !i.state().isDraining()) {
        lost.add(i.id());
      }
    }
  }

  /**
   * Weight on an instance the engine drained is its own doing: reported at once, unless no other
   * revision has a healthy instance to take it. Weight on a revision the platform broke (no
   * healthy instance left, or none at all) is the time-bounded {@link TrafficFollowsHealth}.
   */
  private void checkTraffic(RolloutEvent event, List<Instance> truth) {
    if (end == null) {
      followsHealth.sample(event.at(), split(), truth).ifPresent(v -> fail(event, v, truth));
    }
    Map<String, Instance> byId = truth.stream().collect(Collectors.toMap(Instance::id, i -> i));
    traffic.weights(spec.fleet()).forEach((id, weight) -> {
      Instance i = byId.get(id);
      boolean elsewhere = truth.stream().anyMatch(o -> i != null && o.isHealthy()
          && !o.revision().equals(i.revision()));
      if (weight > 0 && i != null && i.state().isDraining() && elsewhere) {
        fail(event, "traffic weight " + weight + " on " + id + " which is " + i.state(), truth);
      }
    });
  }

  private void checkEnd(Rollout end, RolloutEvent event, List<Instance> truth) {
    this.end = end.phase();
    EndState.check(end, truth, spec.capacity(), toNothing, this::stale, split(),
        spec.onFailure() == FailurePolicy.STOP)
        .forEach(what -> fail(event, what, truth));
    for (String id : foreign) {
      if (!platform.isAlive(id)) {
        fail(event, "foreign instance " + id + " was destroyed", truth);
      }
    }
    if (!platform.refusals().isEmpty()) {
      fail(event, "the platform refused to touch foreign instances " + platform.refusals(), truth);
    }
  }

  private int floor() {
    return toNothing ? 0 : switched ? afterSwitch.floor() : limits.floor();
  }

  private void fail(RolloutEvent event, String what, List<Instance> truth) {
    violations.add(event.type() + " at " + event.at() + ": " + what + "; fleet: "
        + describe(truth));
  }

  private List<Instance> truth() {
    return platform.instances(spec.fleet()).stream().filter(InvariantChecker::owned).toList();
  }

  private static boolean owned(Instance i) {
    return OwnerLabels.isOwned(i.labels(), i.fleet());
  }

  private static int countTotal(List<Instance> truth) {
    return (int) truth.stream().filter(i -> i.state() != InstanceState.FAILED
        && i.state() != InstanceState.DRAINED).count();
  }

  private static String ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).toList().toString();
  }

  /** @return the fleet as {@code id(revision STATE)} items, for failure messages */
  public static String describe(List<Instance> instances) {
    return instances.stream().map(i -> i.id() + "(" + i.revision() + " " + i.state() + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
