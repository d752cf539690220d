package dev.molt.engine;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Verdict;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.spi.ExpectedLatencies;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.Strategy;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Works out {@link RolloutPlan}s by simulation. Touches the real platform only to read it. */
final class Plans {
  private static final Duration LIMIT = Duration.ofDays(30);
  private static final List<String> BLUE_GREEN = List.of("launch green beside blue",
      "pre-promotion analysis", "promote (green to full capacity)", "switch all traffic to green",
      "post-promotion analysis", "scale-down delay, then drain blue");

  private Plans() {}

  static RolloutPlan plan(Provider real, RolloutSpec spec, Instant now, Duration poll,
      Collection<LaunchSpec> known) {
    VirtualTime time = VirtualTime.startingAt(now);
    ExpectedLatencies latency = real.expectedLatencies();
    InMemoryProvider.Builder b = InMemoryProvider.builder(time).defaultBehavior(
        InstanceBehavior.healthy(latency.launch(), latency.healthy())
            .withDrainTime(latency.drain()));
    boolean routed = real.router().isPresent();
    InMemoryProvider sim = (routed ? b : b.withoutRouter()).build();
    sim.adopt(observeHealthy(real, spec.fleet()));
    RolloutEngine engine = RolloutEngine.builder(sim).time(time).seed(0).pollInterval(poll)
        .build();
    known.forEach(engine::remember);
    Recorder recorder = new Recorder(sim, spec, latency, routed, now);
    RolloutHandle handle = engine.start(spec.toBuilder().strategy(assumePass(spec.strategy()))
        .build());
    Rollout end = drive(time, handle, recorder, now.plus(LIMIT));
    recorder.finishLast(end);
    return new RolloutPlan(spec.fleet(), spec.strategy().name(), routed, spec.capacity(),
        recorder.steps, recorder.peak, Duration.between(now, end.updatedAt()),
        recorder.windowWaits(end));
  }

  /** Runs the simulation to its end, granting every hold at once. */
  private static Rollout drive(VirtualTime time, RolloutHandle handle, Recorder recorder,
      Instant limit) {
    while (true) {
      time.runUntil(() -> handle.current().isDone() || handle.current().phase()
          == RolloutPhase.PAUSED || recorder.record(handle.current()), limit);
      if (handle.current().phase() != RolloutPhase.PAUSED || !time.now().isBefore(limit)) {
        return handle.current();
      }
      try {
        handle.promote(); // manual promotions and pauses until resumed: assumed given at once
      } catch (dev.molt.rollout.IllegalControlException e) {
        return handle.current(); // paused by a failure: the plan ends there
      }
    }
  }

  /** The owned, healthy instances of the real fleet: the simulation's starting point. */
  private static List<Instance> observeHealthy(Provider real, String fleet) {
    List<Instance> owned = real.observe(fleet).stream()
        .filter(i -> OwnerLabels.isOwned(i.labels(), fleet) && !i.state().isDraining())
        .toList();
    if (owned.isEmpty()) {
      return owned;
    }
    Map<String, Health> health = real.health(fleet, owned);
    return owned.stream().filter(i -> i.isHealthy()
        || health.getOrDefault(i.id(), Health.UNKNOWN) == Health.HEALTHY)
        .map(i -> i.isHealthy() ? i : i.withState(dev.molt.InstanceState.HEALTHY,
            i.stateSince()).withHealthySince(i.stateSince()))
        .toList();
  }

  private static Strategy assumePass(Strategy strategy) {
    Gate pass = Gate.constant(Verdict.PASS);
    if (strategy instanceof Canary c) {
      return c.withSteps(c.steps().stream().map(s -> s instanceof CanaryStep.Analyze a
          ? a.withAnalysis(a.analysis().withGate(pass)) : s).toList());
    }
    if (strategy instanceof BlueGreen bg) {
      return bg.withAnalyses(bg.prePromotion().map(a -> a.withGate(pass)),
          bg.postPromotion().map(a -> a.withGate(pass)));
    }
    return strategy;
  }

  static String describe(Strategy strategy, int index) {
    if (strategy instanceof Canary c) {
      return index < c.steps().size() ? c.steps().get(index).describe() + freshBaseline(c, index)
          : "promote: all traffic to the canary, drain stable";
    }
    if (strategy instanceof BlueGreen) {
      return index < BLUE_GREEN.size() ? BLUE_GREEN.get(index) : "done";
    }
    return "ready " + index;
  }

  /** What a step does with a fresh baseline: launch it (the window's first step) or remove it. */
  private static String freshBaseline(Canary c, int index) {
    CanaryStep step = c.steps().get(index);
    if (step instanceof CanaryStep.Analyze a && a.freshBaseline()) {
      return ", then the baseline is drained and removed";
    }
    if (!(step instanceof CanaryStep.SetWeight || step instanceof CanaryStep.SetScale)) {
      return "";
    }
    for (int k = index + 1; k < c.steps().size(); k++) {
      CanaryStep next = c.steps().get(k);
      if (next instanceof CanaryStep.Analyze a && a.freshBaseline()) {
        return " + a fresh baseline of the stable revision, as large as the canary";
      }
      if (next instanceof CanaryStep.SetWeight || next instanceof CanaryStep.SetScale) {
        break;
      }
    }
    return "";
  }

  /** Watches the simulation: a plan step at each progress event, and the peak instance count. */
  private static final class Recorder {
    final List<RolloutPlan.Step> steps = new ArrayList<>();
    final InMemoryProvider sim;
    final RolloutSpec spec;
    final ExpectedLatencies latency;
    final boolean routed;
    final Instant start;
    int peak;
    int stepPeak;
    int seenEvents;
    final List<RolloutPlan.WindowWait> waits = new ArrayList<>();
    RolloutEvent heldBy; // the WINDOW hold event whose release has not been seen yet

    Recorder(InMemoryProvider sim, RolloutSpec spec, ExpectedLatencies latency, boolean routed,
        Instant start) {
      this.sim = sim;
      this.spec = spec;
      this.latency = latency;
      this.routed = routed;
      this.start = start;
    }

    /** Always false: called before each virtual task, it only looks. */
    boolean record(Rollout r) {
      List<Instance> live = sim.instances(spec.fleet());
      peak = Math.max(peak, live.size());
      stepPeak = Math.max(stepPeak, live.size());
      List<RolloutEvent> history = r.history();
      boolean stepwise = !(spec.strategy() instanceof dev.molt.strategy.RollingUpdate);
      for (; seenEvents < history.size(); seenEvents++) {
        RolloutEvent e = history.get(seenEvents);
        windowEvent(e);
        int index = stepwise ? strategyStep(e) : e.type() == RolloutEvent.Type.PROGRESS
            ? e.step() : -1;
        if (e.type() == RolloutEvent.Type.STARTED && stepwise) {
          index = 0;
        }
        if (index >= 0 && !r.phase().isTerminal() && !foldedPromotion(index)
            && (steps.isEmpty() || steps.get(steps.size() - 1).index() != index)) {
          finishLast(r);
          stepPeak = live.size();
          steps.add(new RolloutPlan.Step(index, describe(spec.strategy(), index),
              Duration.between(start, e.at()), Map.of(), live.size(), rollback(r, live)));
        }
      }
      return false;
    }

    /** Notes a hold for a deployment window, and its end at the release. */
    private void windowEvent(RolloutEvent e) {
      if (e.type() != RolloutEvent.Type.WINDOW) {
        return;
      }
      if (e.message().startsWith("action=hold") && heldBy == null) {
        heldBy = e;
      } else if (e.message().startsWith("action=release") && heldBy != null) {
        waits.add(new RolloutPlan.WindowWait(Duration.between(start, heldBy.at()),
            Duration.between(heldBy.at(), e.at()), detail(heldBy)));
        heldBy = null;
      }
    }

    /** @return the waits seen, one still running at the end lasting until then */
    List<RolloutPlan.WindowWait> windowWaits(Rollout end) {
      for (; seenEvents < end.history().size(); seenEvents++) {
        windowEvent(end.history().get(seenEvents));
      }
      if (heldBy != null) {
        waits.add(new RolloutPlan.WindowWait(Duration.between(start, heldBy.at()),
            Duration.between(heldBy.at(), end.updatedAt()), detail(heldBy)));
        heldBy = null;
      }
      return List.copyOf(waits);
    }

    private static String detail(RolloutEvent hold) {
      String m = hold.message();
      int from = m.indexOf("detail=\"") + "detail=\"".length();
      int to = m.indexOf('"', from);
      return to > from ? m.substring(from, to) : m;
    }

    /**
     * A canary whose last step is set-weight 100% has nothing left to promote but draining the
     * stable fleet: that belongs to the last step rather than being a step of its own.
     */
    private boolean foldedPromotion(int index) {
      if (!(spec.strategy() instanceof Canary c) || index != c.steps().size()) {
        return false;
      }
      return !c.steps().isEmpty() && c.steps().get(index - 1)
          instanceof CanaryStep.SetWeight w && w.percent() == 100;
    }

    /** Fills in the last step's traffic and instance count as they are when it is done. */
    void finishLast(Rollout r) {
      if (!steps.isEmpty()) {
        RolloutPlan.Step last = steps.get(steps.size() - 1);
        steps.set(steps.size() - 1, new RolloutPlan.Step(last.index(), last.description(),
            last.startsAfter(), traffic(r), Math.max(stepPeak, last.instances()),
            last.rollback()));
      }
    }

    /** The step a STEP event moved to ({@code next=}), or -1 for other events. */
    private static int strategyStep(RolloutEvent e) {
      String m = e.message();
      int at = m.indexOf(" next=");
      if (e.type() != RolloutEvent.Type.STEP || at < 0) {
        return -1;
      }
      return Integer.parseInt(m.substring(at + " next=".length()).split(" ", 2)[0]);
    }

    private Map<Revision, Integer> traffic(Rollout r) {
      if (routed) {
        return sim.router().orElseThrow().weights(spec.fleet());
      }
      List<RolloutEvent> shifts = r.events(RolloutEvent.Type.TRAFFIC_SHIFTED);
      return shifts.isEmpty() ? Map.of() : parse(shifts.get(shifts.size() - 1).message());
    }

    private RolloutPlan.RollbackCost rollback(Rollout r, List<Instance> live) {
      long previousHealthy = r.from().map(p -> live.stream()
          .filter(i -> i.revision().equals(p) && i.isHealthy()).count()).orElse(0L);
      int launches = (int) Math.max(0, spec.capacity() - previousHealthy);
      int destroys = (int) live.stream().filter(i -> i.revision().equals(r.to())).count();
      Duration time = launches == 0 ? latency.drain()
          : latency.launch().plus(latency.healthy()).plus(latency.drain());
      return new RolloutPlan.RollbackCost(launches, destroys, routed && launches == 0, time);
    }

    private static Map<Revision, Integer> parse(String message) {
      Map<Revision, Integer> out = new java.util.HashMap<>();
      for (String part : message.substring("traffic:".length()).trim().split(" ")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.endsWith("%")) {
          out.put(Revision.of(part.substring(0, eq)),
              Integer.parseInt(part.substring(eq + 1, part.length() - 1)));
        }
      }
      return out;
    }
  }
}
