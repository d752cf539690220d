package dev.molt.decide;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet for the step-wise planners' tables: {@code stable} healthy instances of v1, {@code ready}
 * healthy instances of v2 (healthy for an hour), {@code pending} v2 instances launching, and the
 * router's split; and the decision's actions counted the way the tables state them.
 */
final class StepFleet {
  static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  static final LaunchSpec OLD = Fixtures.V1;
  static final LaunchSpec NEW = Fixtures.V2;
  static final Duration DRAIN = Duration.ofSeconds(30);

  private StepFleet() {}

  /** @param newWeight v2's share of traffic, or -1 for a router that has set nothing yet */
  static Fleet of(int desired, int stable, int ready, int pending, int newWeight) {
    List<Instance> instances = new ArrayList<>();
    add(instances, stable, OLD, InstanceState.HEALTHY, NOW.minusSeconds(7200));
    add(instances, ready, NEW, InstanceState.HEALTHY, NOW.minusSeconds(3600));
    add(instances, pending, NEW, InstanceState.LAUNCHING, NOW.minusSeconds(5));
    return new Fleet("web", desired, instances, weights(newWeight));
  }

  static Map<Revision, Integer> weights(int newWeight) {
    Map<Revision, Integer> w = new LinkedHashMap<>();
    if (newWeight >= 0) {
      w.put(OLD.revision(), 100 - newWeight);
      w.put(NEW.revision(), newWeight);
    }
    return w;
  }

  /** A routed context at step {@code index}, begun {@code startedAgo} before now. */
  static PlanContext at(Fleet fleet, int index, Duration startedAgo, boolean promoteFull) {
    StepState steps = new StepState(index, NOW.minus(startedAgo), Optional.empty(), false,
        promoteFull, true, fleet.traffic(), Optional.of(OLD.revision()), NOW, Optional.of(OLD));
    return new PlanContext(fleet, NEW, fleet.desiredCapacity(), NOW, 0, DRAIN, steps);
  }

  /**
   * @return the decision as the tables write it: {@code launch=n drain=n traffic=w advance=i
   *     hold=REASON await=REASON analyze status}, listing only what it does
   */
  static String summary(Decision d) {
    StringBuilder out = new StringBuilder();
    for (Action a : d.actions()) {
      out.append(a.accept(new Action.Handler<String>() {
        @Override
        public String launch(Action.Launch l) {
          return "launch=" + l.count();
        }

        @Override
        public String drain(Action.Drain dr) {
          return "drain=" + dr.instances().size();
        }

        @Override
        public String terminate(Action.Terminate t) {
          return "terminate=" + t.instances().size();
        }

        @Override
        public String setTraffic(Action.SetTraffic t) {
          return "traffic=" + t.weights().getOrDefault(NEW.revision(), 0);
        }

        @Override
        public String advance(Action.Advance ad) {
          return "advance=" + ad.to();
        }

        @Override
        public String hold(Action.Hold h) {
          return "hold=" + h.what().reason();
        }

        @Override
        public String await(Action.Await w) {
          return "await=" + w.what().reason();
        }

        @Override
        public String analyze(Action.Analyze an) {
          return "analyze";
        }
      })).append(' ');
    }
    return out.append(d.status()).toString();
  }

  /** @return the wait of {@code d}'s hold or await, if it has one */
  static Optional<Wait> waitOf(Decision d) {
    return d.actions().stream().map(a -> a instanceof Action.Hold h ? h.what()
        : a instanceof Action.Await w ? w.what() : null).filter(w -> w != null).findFirst();
  }

  private static void add(List<Instance> out, int n, LaunchSpec spec, InstanceState state,
      Instant since) {
    for (int i = 0; i < n; i++) {
      String id = spec.image().version() + "-" + state + "-" + out.size();
      out.add(new Instance(id, "web", spec.revision(), Optional.empty(), state, since, since,
          state == InstanceState.HEALTHY ? Optional.of(since) : Optional.empty(),
          OwnerLabels.of("web", spec.revision(), "ro-test")));
    }
  }
}
