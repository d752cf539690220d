package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.Fleet;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Traffic follows health: a revision that carries router weight but has had no healthy instance
 * for longer than the grace loses its weight, in one router call, to the revisions that are
 * healthy, and the rollout fails (its failure policy decides what comes next: a blue-green
 * rollback within the scale-down delay is then one more switch back to blue). Pure: the memory of
 * "dark since" is an input, kept by the rollout's state. Not API.
 *
 * <p>Worked example (grace 10 s): canary at 25 %, its only instance turns unhealthy at 12:00:00;
 * observations at 12:00:02 and 12:00:08 note it dark since 12:00:00 and wake at 12:00:10; at
 * 12:00:10 the split becomes stable=100 % canary=0 % and the rollout fails with the reason.
 */
public final class TrafficGuard {
  private TrafficGuard() {}

  /**
   * @param before the revisions noted dark so far, with since when
   * @param fleet the fleet just observed
   * @param now the time of the observation
   * @return the weighted revisions of {@code fleet} with no healthy instance, with the first moment
   *     each was seen so in its current dark spell
   */
  public static Map<Revision, Instant> dark(Map<Revision, Instant> before, Fleet fleet, Instant now) {
    Map<Revision, Instant> out = new HashMap<>();
    fleet.traffic().forEach((revision, weight) -> {
      if (weight > 0 && fleet.healthyCount(revision) == 0) {
        out.put(revision, before.getOrDefault(revision, now));
      }
    });
    return Map.copyOf(out);
  }

  /**
   * Weight moves before the drains that would leave it on nothing: if, after {@code d}'s drains
   * and terminations, a revision that still carries weight (from the decision's last split, or
   * the router's) would have no healthy instance left while another one has, the decision's
   * splits are replaced by one split toward health ({@link #towardHealth}), made first. Any
   * planner, forward or back, gets this: a rollback that must drain the new revision before the
   * old one is healthy again never leaves the traffic on draining instances.
   *
   * <p>Worked example: canary {@code v2=68 baseline=32}, v1 unhealthy, a rollback drains v2's
   * only instance: the decision becomes {@code set-weights baseline=100 v2=0}, then the drain.
   *
   * @param d the planner's decision
   * @param fleet the fleet it was made from
   * @return {@code d}, or {@code d} with the weight moved first
   */
  public static Decision movingWeightBeforeDrains(Decision d, Fleet fleet) {
    java.util.Set<String> leaving = new java.util.HashSet<>();
    Optional<Action.SetTraffic> lastSplit = Optional.empty();
    for (Action a : d.actions()) {
      if (a instanceof Action.Drain drain) {
        drain.instances().forEach(i -> leaving.add(i.id()));
      } else if (a instanceof Action.Terminate t) {
        t.instances().forEach(i -> leaving.add(i.id()));
      } else if (a instanceof Action.SetTraffic t) {
        lastSplit = Optional.of(t);
      }
    }
    boolean routed = lastSplit.map(Action.SetTraffic::routed).orElse(!fleet.traffic().isEmpty());
    Map<Revision, Integer> split = lastSplit.map(Action.SetTraffic::weights)
        .orElse(fleet.traffic());
    if (leaving.isEmpty() || !routed || split.isEmpty()) {
      return d;
    }
    Fleet after = new Fleet(fleet.name(), fleet.desiredCapacity(), fleet.instances().stream()
        .filter(i -> !leaving.contains(i.id())).toList(), fleet.traffic());
    Optional<Map<Revision, Integer>> safe = towardHealth(split, after);
    if (safe.isEmpty() || safe.get().equals(split)) {
      return d;
    }
    List<Action> actions = new java.util.ArrayList<>();
    actions.add(new Action.SetTraffic(safe.get(), true));
    d.actions().stream().filter(a -> !(a instanceof Action.SetTraffic)).forEach(actions::add);
    return new Decision(actions, d.wakeAt(), d.status(), d.reason(), d.step(), d.totalSteps(),
        d.progressKey());
  }

  /** @return when the first dark revision's grace runs out, if any revision is dark */
  public static Optional<Instant> wakeAt(Map<Revision, Instant> dark, Duration grace) {
    return dark.values().stream().min(Instant::compareTo).map(t -> t.plus(grace));
  }

  /**
   * @param fleet the fleet just observed
   * @param dark what {@link #dark} returned for it
   * @param grace how long a weighted revision may stay without a healthy instance
   * @param now the time of the observation
   * @param step the rollout's step, for the decision
   * @param total its total steps
   * @return a decision moving the weight back and failing the rollout, if a grace ran out
   */
  public static Optional<Decision> check(Fleet fleet, Map<Revision, Instant> dark, Duration grace,
      Instant now, int step, int total) {
    Optional<Map.Entry<Revision, Instant>> expired = dark.entrySet().stream()
        .filter(e -> !now.isBefore(e.getValue().plus(grace)))
        .min(Map.Entry.comparingByValue());
    if (expired.isEmpty()) {
      return Optional.empty();
    }
    Revision revision = expired.get().getKey();
    Duration unhealthyFor = Duration.between(expired.get().getValue(), now);
    String reason = "revision " + revision + " carried " + fleet.traffic().get(revision)
        + "% of traffic with no healthy instance for " + Durations.text(unhealthyFor) + " (trafficGrace "
        + Durations.text(grace) + ")";
    Optional<Map<Revision, Integer>> healed = towardHealth(fleet.traffic(), fleet);
    List<Action> actions = healed.<List<Action>>map(w -> List.of(new Action.SetTraffic(w, true)))
        .orElse(List.of());
    return Optional.of(new Decision(actions, Optional.empty(), Decision.Status.FAILED,
        Optional.of(reason + (healed.isPresent() ? "; its weight moved to " + healed.get().keySet()
            : "; no revision has a healthy instance to take its weight")), step, total,
        "traffic-guard"));
  }

  /**
   * A split that sends nothing to a revision with no healthy instance: {@code weights} with every
   * such revision at 0 % and its weight given to the weighted healthy revisions in proportion, or
   * all to the fleet's revision with the most healthy instances when no weighted one is healthy;
   * {@code weights} itself when every weighted revision is healthy; empty when no revision has a
   * healthy instance (no split can serve then, so none is worth a router call).
   *
   * <p>Worked example: {@code v1=90 v2=10} with v1's instances all lost gives {@code v1=0
   * v2=100}; with v2's lost instead, {@code v1=100 v2=0}. A fresh baseline keeps its weight and
   * takes none: {@code v1=80 b=10 v2=10} with v2's lost gives {@code v1=90 b=10 v2=0}.
   *
   * @param weights the split a planner wants, or the router's current one
   * @param fleet the observed fleet, for which revisions are healthy
   * @return the split to set
   */
  public static Optional<Map<Revision, Integer>> towardHealth(Map<Revision, Integer> weights,
      Fleet fleet) {
    Map<Revision, Integer> healthyWeights = new LinkedHashMap<>();
    Map<Revision, Integer> kept = new LinkedHashMap<>();
    boolean dark = false;
    for (Map.Entry<Revision, Integer> e : weights.entrySet()) {
      if (e.getValue() > 0 && fleet.healthyCount(e.getKey()) > 0) {
        // a fresh baseline keeps its weight but never takes more: it must not outweigh the canary
        (isBaseline(fleet, e.getKey()) ? kept : healthyWeights).put(e.getKey(), e.getValue());
      } else if (e.getValue() > 0) {
        dark = true;
      }
    }
    if (!dark) {
      return Optional.of(weights);
    }
    Map<Revision, Integer> split = new LinkedHashMap<>();
    weights.keySet().forEach(r -> split.put(r, 0));
    split.putAll(kept);
    if (healthyWeights.isEmpty() && !kept.isEmpty()) {
      return Optional.empty(); // only a baseline could serve: no split is worth a router call
    }
    if (healthyWeights.isEmpty()) {
      Optional<Revision> best = fleet.revisions().stream().filter(r -> fleet.healthyCount(r) > 0)
          .max((a, b) -> Integer.compare(fleet.healthyCount(a), fleet.healthyCount(b)));
      best.ifPresent(r -> split.put(r, 100));
      return best.map(r -> Map.copyOf(split));
    }
    int sum = healthyWeights.values().stream().mapToInt(Integer::intValue).sum();
    int keptSum = kept.values().stream().mapToInt(Integer::intValue).sum();
    int given = keptSum;
    Revision last = null;
    for (Map.Entry<Revision, Integer> e : healthyWeights.entrySet()) {
      int w = (int) Math.floor((100.0 - keptSum) * e.getValue() / sum);
      split.put(e.getKey(), w);
      given += w;
      last = e.getKey();
    }
    split.merge(last, 100 - given, Integer::sum); // rounding left-overs: the split sums to 100
    return Optional.of(Map.copyOf(split));
  }

  /** @return whether {@code revision}'s instances are a fresh baseline's */
  private static boolean isBaseline(Fleet fleet, Revision revision) {
    return fleet.instancesOf(revision).stream().anyMatch(FreshBaseline::isBaseline);
  }
}
