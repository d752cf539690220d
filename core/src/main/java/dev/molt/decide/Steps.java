package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.rollout.Wait;
import dev.molt.Revision;
import dev.molt.gate.Analysis;
import dev.molt.gate.AnalysisResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Decisions shared by the step-wise planners (blue-green, canary). Pure. Not API. */
final class Steps {
  private Steps() {}

  /** Keep going: wait for {@code wakeAt} or the next observation. */
  static Decision waiting(List<Action> actions, Optional<Instant> wakeAt, int step, int total,
      String key) {
    return new Decision(actions, wakeAt, Decision.Status.CONTINUE, Optional.empty(), step, total,
        key);
  }

  /** Move to step {@code to}, after {@code before}. */
  static Decision advance(List<Action> before, int to, String what, int total) {
    List<Action> actions = new ArrayList<>(before);
    actions.add(new Action.Advance(to, what));
    return waiting(actions, Optional.empty(), to, total, "step-" + to);
  }

  /**
   * The analysis step: start it, wait for it, then go on, fail, or hold, by its verdict.
   *
   * @param canary the revision judged
   * @param next the step after this one
   */
  static Decision analyze(PlanContext ctx, Analysis analysis, Revision canary, int next,
      int total) {
    return analyze(ctx, analysis, canary, ctx.steps().stable(), next, total);
  }

  /**
   * The analysis step against a given baseline (a fresh baseline's revision, say).
   *
   * @param canary the revision judged
   * @param baseline the revision it is compared with
   * @param next the step after this one
   */
  static Decision analyze(PlanContext ctx, Analysis analysis, Revision canary,
      Optional<Revision> baseline, int next, int total) {
    StepState st = ctx.steps();
    int index = st.index();
    Optional<AnalysisResult> result = st.analysis();
    if (result.isEmpty()) {
      // the analysis's own deadline replaces the progress deadline while it measures: every
      // measurement is bounded by its timeout, so a verdict is due by then at the latest (one
      // more timeout of slack for the engine's own latency)
      Duration limit = analysis.deadline().plus(analysis.timeout());
      Instant deadline = (st.analyzing() ? st.analysisStartedAt() : ctx.now()).plus(limit);
      if (st.analyzing() && !ctx.now().isBefore(deadline)) {
        return failed("analysis at step " + index + " (" + analysis.gate().name() + ") reached no"
            + " verdict within its deadline " + Durations.text(limit) + " (Analysis.deadline(),"
            + " plus one"
            + " timeout): ERROR", index, total);
      }
      List<Action> actions = st.analyzing() ? List.of()
          : List.of(new Action.Analyze(index, analysis, canary, baseline));
      return waiting(actions, Optional.of(deadline), index, total,
          "analyze-" + index + "-" + ctx.now());
    }
    AnalysisResult r = result.get();
    String why = "analysis at step " + index + " (" + analysis.gate().name() + "): "
        + r.summary();
    return switch (r.verdict()) {
      case PASS -> advance(List.of(), next, "analysis-passed", total);
      case FAIL, ERROR -> failed(why, index, total);
      case INCONCLUSIVE, INSUFFICIENT_DATA -> analysis.onInconclusive()
          == Analysis.OnInconclusive.FAIL ? failed(why, index, total)
          : waiting(List.of(new Action.Hold(new Wait(Wait.Reason.INCONCLUSIVE_ANALYSIS, why
              + "; resume() or promote() accepts it, abort() rolls back", Optional.empty()))),
              Optional.empty(), index, total, "hold-" + index);
    };
  }

  static Decision failed(String reason, int step, int total) {
    return new Decision(List.of(), Optional.empty(), Decision.Status.FAILED, Optional.of(reason),
        step, total, "failed");
  }

  /**
   * Sets traffic to {@code weights} unless already there (observed with a router, else recorded).
   * With a router, a split never sends weight to a revision with no healthy instance: its share
   * goes to the healthy ones ({@link TrafficGuard#towardHealth}); when none is healthy, no call.
   */
  static List<Action> shift(PlanContext ctx, Map<Revision, Integer> weights) {
    StepState st = ctx.steps();
    if (!st.routed()) {
      return isAt(ctx, weights) ? List.of() : List.of(new Action.SetTraffic(weights, false));
    }
    return TrafficGuard.towardHealth(weights, ctx.observed())
        .filter(safe -> !isAt(ctx, safe))
        .<List<Action>>map(safe -> List.of(new Action.SetTraffic(safe, true)))
        .orElse(List.of());
  }

  /** @return whether traffic is at {@code weights} (observed with a router, else recorded) */
  static boolean isAt(PlanContext ctx, Map<Revision, Integer> weights) {
    StepState st = ctx.steps();
    Map<Revision, Integer> now = st.routed() ? ctx.observed().traffic() : st.recordedTraffic();
    return withoutZeros(weights).equals(withoutZeros(now));
  }

  private static Map<Revision, Integer> withoutZeros(Map<Revision, Integer> weights) {
    java.util.HashMap<Revision, Integer> out = new java.util.HashMap<>(weights);
    out.values().removeIf(w -> w == 0);
    return Map.copyOf(out);
  }
}
