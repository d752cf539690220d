package dev.molt.decide;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.gate.Analysis;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One thing a planner asks the engine to do. Not API. */
public sealed interface Action {

  /** Launch {@code count} instances of {@code spec}; held ones get traffic by split only. */
  record Launch(LaunchSpec spec, int count, boolean holdTraffic) implements Action {
    /** Instances that join traffic once ready. */
    Launch(LaunchSpec spec, int count) {
      this(spec, count, false);
    }
  }

  /** Take instances out of traffic. */
  record Drain(List<Instance> instances) implements Action {}

  /**
   * Destroy instances. {@code failedNew} counts them against the replacement budget.
   */
  record Terminate(List<Instance> instances, boolean failedNew, String reason) implements Action {}

  /**
   * Switch traffic to {@code weights} in one router call, or, without a router ({@code routed}
   * false), only record the effective split that the replica ratio gives.
   */
  record SetTraffic(Map<Revision, Integer> weights, boolean routed) implements Action {
    /** Keeps the caller's order (it is the order of the {@code traffic:} line). */
    public SetTraffic {
      weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
  }

  /** Move the strategy to step {@code to} (it starts now). */
  record Advance(int to, String what) implements Action {}

  /** Pause the rollout until resume() or promote(), which then move it past this step. */
  record Hold(String reason) implements Action {}

  /** Start measuring {@code analysis} for step {@code step}; the result arrives later. */
  record Analyze(int step, Analysis analysis, Revision canary, Optional<Revision> baseline)
      implements Action {}
}
