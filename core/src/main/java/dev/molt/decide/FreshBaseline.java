package dev.molt.decide;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fresh baseline of a canary analysis (the three-fleet model: stable, baseline, canary), as
 * observed, and the actions that size and remove it. Pure. Not API.
 *
 * <p>A baseline runs the stable launch spec with one more option, {@link OwnerLabels#ROLE} =
 * {@link OwnerLabels#BASELINE}, which no provider interprets: the same image and configuration,
 * but a revision of its own, so a router can give it a weight and a gate can query its metrics by
 * {@code {revision}}. Its instances carry the same label ({@link
 * dev.molt.spi.LaunchRequest#ownerLabels()}), which is how every planner, and a resumed run, tells
 * them from the stable fleet: they are never counted as capacity of any revision.
 *
 * <p>Worked example (desired 10, router, set-weight 10 then analyze with a fresh baseline): the
 * set-weight step launches 1 canary and 1 baseline instance in one tick; once both are ready one
 * router call sets stable=80 baseline=10 canary=10; the analysis compares canary with baseline;
 * when it ends, one call sets stable=90 canary=10, the baseline is drained, then terminated, and
 * only then does the next step start. Peak: 10 + 1 + 1 = 12 instances.
 */
final class FreshBaseline {
  final List<Instance> ready = new ArrayList<>();
  final List<Instance> pending = new ArrayList<>();
  final List<Instance> failed = new ArrayList<>();
  final List<Instance> drainedDue = new ArrayList<>();
  final List<Instance> draining = new ArrayList<>();
  /** The revision a baseline launched now would have, if the stable launch spec is known. */
  final Optional<LaunchSpec> spec;
  /** Baseline revisions seen: on instances, in the split, and the one {@link #spec} gives. */
  final Set<Revision> revisions = new TreeSet<>();
  private final PlanContext ctx;
  private final WakeUp wake = new WakeUp();

  private FreshBaseline(PlanContext ctx) {
    this.ctx = ctx;
    this.spec = ctx.steps().stableSpec().map(FreshBaseline::specFor);
    spec.ifPresent(s -> revisions.add(s.revision()));
  }

  /** @return the launch spec of a fresh baseline of {@code stable} */
  static LaunchSpec specFor(LaunchSpec stable) {
    return stable.toBuilder().option(OwnerLabels.ROLE, OwnerLabels.BASELINE).build();
  }

  /** @return whether {@code i} belongs to a fresh baseline (by its role label) */
  static boolean isBaseline(Instance i) {
    return OwnerLabels.isBaseline(i.labels());
  }

  /** @return {@code ctx} with the baseline's instances left out of the observed fleet */
  static PlanContext withoutBaseline(PlanContext ctx) {
    Fleet f = ctx.observed();
    if (f.instances().stream().noneMatch(FreshBaseline::isBaseline)) {
      return ctx;
    }
    Fleet others = new Fleet(f.name(), f.desiredCapacity(), f.instances().stream()
        .filter(i -> !isBaseline(i)).toList(), f.traffic());
    return ctx.withObserved(others);
  }

  /** Sorts the baseline's instances of {@code ctx.observed()} by readiness. */
  static FreshBaseline of(PlanContext ctx, Duration minReady, Duration healthyDeadline) {
    FreshBaseline b = new FreshBaseline(ctx);
    Readiness rules = new Readiness(minReady, healthyDeadline, ctx.drainTimeout());
    for (Instance i : ctx.observed().instances()) {
      if (!isBaseline(i)) {
        continue;
      }
      b.revisions.add(i.revision());
      switch (rules.sort(i, ctx.now(), b.wake)) {
        case DRAINED -> b.drainedDue.add(i);
        case DRAINING -> b.draining.add(i);
        case READY -> b.ready.add(i);
        case PENDING -> b.pending.add(i);
        default -> b.failed.add(i);
      }
    }
    return b;
  }

  /** @return whether no baseline instance is live and no baseline revision has weight */
  boolean isGone() {
    return ready.isEmpty() && pending.isEmpty() && failed.isEmpty() && drainedDue.isEmpty()
        && draining.isEmpty() && weight() == 0;
  }

  /** @return exactly {@code count} ready, none on the way, none left draining */
  boolean isScaled(int count) {
    return ready.size() == count && pending.isEmpty() && failed.isEmpty();
  }

  int live() {
    return ready.size() + pending.size();
  }

  Optional<Instant> wakeAt() {
    return wake.earliest();
  }

  /** @return the baseline's weight in the split in force (observed with a router, else recorded) */
  int weight() {
    return current().entrySet().stream().filter(e -> revisions.contains(e.getKey()))
        .mapToInt(Map.Entry::getValue).sum();
  }

  /**
   * Sizes the baseline to {@code count}: terminates finished drains, launches what is missing
   * (held from traffic with a router: it gets its weight by split only), removes any excess.
   */
  List<Action> scaleTo(int count) {
    List<Action> actions = new ArrayList<>();
    if (!drainedDue.isEmpty()) {
      actions.add(new Action.Terminate(List.copyOf(drainedDue), false, "fresh baseline drained"));
    }
    int launch = count - live() - draining.size();
    if (launch > 0 && spec.isPresent()) {
      actions.add(new Action.Launch(spec.get(), launch, ctx.steps().routed()));
    } else if (live() > count) {
      List<Instance> excess = new ArrayList<>(pending);
      excess.addAll(ready);
      actions.addAll(remove(excess.subList(0, live() - count)));
    }
    return actions;
  }

  /**
   * The three-fleet split: the canary's {@code percent}, the same for the baseline, the rest to
   * stable. With a router the weights are exact; without one, the replica ratio's effective split.
   *
   * @param canary the canary's revision
   * @param percent the canary's weight, at most 50
   * @param canaryReady ready canary instances (without a router)
   * @param stableServing serving stable instances (without a router)
   */
  Map<Revision, Integer> split(Revision canary, int percent, int canaryReady, int stableServing) {
    Revision baseline = spec.orElseThrow().revision();
    Map<Revision, Integer> weights = new LinkedHashMap<>();
    Optional<Revision> stable = ctx.steps().stable();
    if (ctx.steps().routed()) {
      stable.ifPresent(s -> weights.put(s, 100 - 2 * percent));
      weights.put(baseline, percent);
      weights.put(canary, percent);
      return weights;
    }
    int serving = canaryReady + ready.size() + stableServing;
    int c = serving == 0 ? 0 : (int) Math.round(100.0 * canaryReady / serving);
    int b = serving == 0 ? 0 : (int) Math.round(100.0 * ready.size() / serving);
    stable.ifPresent(s -> weights.put(s, 100 - c - b));
    weights.put(baseline, b);
    weights.put(canary, c);
    return weights;
  }

  /**
   * Removes the baseline: first its weight goes back to the stable revision (one split, if it has
   * any; to the healthy revisions if the stable one has no healthy instance), then serving instances are drained, idle ones terminated, finished drains terminated.
   *
   * @return the actions, empty once nothing of the baseline is left
   */
  List<Action> removal() {
    List<Action> actions = new ArrayList<>();
    if (weight() > 0) {
      // through Steps.shift: the weight never goes back to a stable revision that cannot serve
      actions.addAll(Steps.shift(ctx, withoutBaseline(current())));
    }
    if (!drainedDue.isEmpty()) {
      actions.add(new Action.Terminate(List.copyOf(drainedDue), false, "fresh baseline drained"));
    }
    List<Instance> live = new ArrayList<>(failed);
    live.addAll(pending);
    live.addAll(ready);
    actions.addAll(remove(live));
    return actions;
  }

  /**
   * For planners that know nothing of baselines (rollback, rolling, blue-green): their decision,
   * then the baseline's removal; never done while any of it is left. The planner saw the fleet
   * without the baseline; a split it sets leaves the baseline out, so the removal only adds one
   * when the planner sets none.
   */
  Decision removingAfter(Decision d) {
    if (isGone()) {
      return d;
    }
    List<Action> actions = new ArrayList<>(d.actions());
    boolean splits = actions.stream().anyMatch(a -> a instanceof Action.SetTraffic);
    removal().stream().filter(a -> !(splits && a instanceof Action.SetTraffic))
        .forEach(actions::add);
    Decision.Status status = d.status() == Decision.Status.DONE ? Decision.Status.CONTINUE
        : d.status();
    Decision out = new Decision(actions, d.wakeAt(), status, d.reason(), d.step(), d.totalSteps(),
        d.progressKey() + "-baseline-" + live() + "-" + draining.size());
    return wakeAt().map(out::wakeNoLaterThan).orElse(out);
  }

  /** @return {@code inner}, seeing the fleet without any fresh baseline, which it then removes */
  static Planner sweeping(Planner inner) {
    return ctx -> {
      FreshBaseline b = of(ctx, Duration.ZERO, Duration.ZERO);
      return b.isGone() ? inner.decide(ctx) : b.removingAfter(inner.decide(withoutBaseline(ctx)));
    };
  }

  /** @return a decision to fail because baseline instances failed, removing the baseline */
  Decision failure(int step, int total) {
    String ids = failed.stream().limit(5).map(Instance::id).toList().toString();
    return new Decision(removal(), Optional.empty(), Decision.Status.FAILED,
        Optional.of(failed.size() + " instance(s) of the fresh baseline " + spec.map(
            LaunchSpec::revision).map(Revision::id).orElse("?") + " (of stable "
            + ctx.steps().stable().map(Revision::id).orElse("none") + ") failed or were not"
            + " healthy in time: " + ids + "; the platform cannot run the stable revision anew,"
            + " so the canary cannot be judged against it"), step, total, "failed");
  }

  private Map<Revision, Integer> current() {
    return ctx.steps().routed() ? ctx.observed().traffic() : ctx.steps().recordedTraffic();
  }

  /** {@code weights} with the baselines' weight given to the stable revision. */
  private Map<Revision, Integer> withoutBaseline(Map<Revision, Integer> weights) {
    Map<Revision, Integer> out = new LinkedHashMap<>();
    int moved = 0;
    Optional<Revision> stable = ctx.steps().stable();
    stable.ifPresent(s -> out.put(s, 0));
    for (Revision r : new TreeSet<>(weights.keySet())) {
      if (revisions.contains(r)) {
        moved += weights.get(r);
      } else {
        out.merge(r, weights.get(r), Integer::sum);
      }
    }
    if (out.isEmpty()) {
      return Map.of(); // only baselines were weighted: clear the split
    }
    out.merge(stable.orElseGet(() -> out.keySet().iterator().next()), moved, Integer::sum);
    return out;
  }

  /** Serving instances are drained (a router may send them requests); the others terminated. */
  private static List<Action> remove(List<Instance> instances) {
    List<Instance> idle = instances.stream().filter(i -> !i.isHealthy()).toList();
    List<Instance> serving = instances.stream().filter(Instance::isHealthy).toList();
    List<Action> actions = new ArrayList<>();
    if (!idle.isEmpty()) {
      actions.add(new Action.Terminate(idle, false, "fresh baseline removed"));
    }
    if (!serving.isEmpty()) {
      actions.add(new Action.Drain(serving));
    }
    return actions;
  }

}
