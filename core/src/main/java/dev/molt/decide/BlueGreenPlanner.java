package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.rollout.Wait;
import dev.molt.gate.Analysis;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides a blue-green rollout in six steps, from the observed fleet and the recorded {@link
 * StepState}. Pure: no I/O, no clock reads.
 *
 * <ol start="0">
 *   <li>launch: with a router, pin traffic blue=100% green=0% first (one call, so green's
 *       preview never serves production); then green at its preview size beside blue; wait
 *       ready.
 *   <li>pre-promotion: the analysis, if any.
 *   <li>promote: green to full capacity, then promote at once, after the delay, or hold for
 *       {@code promote()}.
 *   <li>switch: all traffic to green in one router call (blue=0%).
 *   <li>post-promotion: the analysis, if any; a failure rolls back, which is one switch back.
 *   <li>scale down: after the scale-down delay, {@link RollingPlanner} drains blue; done.
 * </ol>
 *
 * Worked example (desired 4, router, automatic promotion after 60 s, scale-down delay 30 s; the
 * same rows are {@code BlueGreenPlannerTest}): step 0 pins blue=100/green=0, launches 4 green,
 * waits until they are ready, moves on; step 1 (no analysis) moves on; step 2 waits the 60 s
 * ({@code TIMED_PAUSE}; with manual promotion it holds, {@code AWAITING_PROMOTION}); step 3
 * switches to green=100 in one call; step 4 (no analysis) moves on; step 5 keeps blue 30 s, then
 * drains all 4; done once blue is gone.
 */
public final class BlueGreenPlanner implements Planner {
  public static final int LAUNCH = 0;
  public static final int PRE = 1;
  public static final int PROMOTE = 2;
  public static final int SWITCH = 3;
  public static final int POST = 4;
  public static final int SCALE_DOWN = 5;
  private static final int TOTAL = 6;

  private final BlueGreen params;
  private final RollingPlanner scaleDown;

  BlueGreenPlanner(BlueGreen params) {
    this.params = params;
    this.scaleDown = new RollingPlanner(RollingUpdate.defaults()
        .withHealthyDeadline(params.healthyDeadline()));
  }

  @Override
  public Decision decide(PlanContext ctx) {
    StepState st = ctx.steps();
    int index = st.index();
    NewRevision green = NewRevision.of(ctx, Duration.ZERO, params.healthyDeadline());
    if (index < SCALE_DOWN && !green.failed.isEmpty()) {
      return green.failure(index, TOTAL);
    }
    return green.reapingDrains(switch (index) {
      case LAUNCH -> preview(ctx, green);
      case PRE -> gate(ctx, green, params.prePromotion(), PROMOTE);
      case PROMOTE -> promote(ctx, green);
      case SWITCH -> green.isScaled(ctx.desired())
          ? Steps.advance(Steps.shift(ctx, NewRevision.split(st.stable(), green.target, 100)),
              POST, "switched", TOTAL)
          : scaled(ctx, green, ctx.desired(), SWITCH, "green-full");
      case POST -> gate(ctx, green, params.postPromotion(), SCALE_DOWN);
      default -> scaleDown(ctx);
    });
  }

  /** Pins production traffic on blue (green at 0%) before green exists, then launches it. */
  private Decision preview(PlanContext ctx, NewRevision green) {
    StepState st = ctx.steps();
    List<Action> pin = st.routed() && st.stable().isPresent()
        ? Steps.shift(ctx, NewRevision.split(st.stable(), green.target, 0)) : List.of();
    if (!pin.isEmpty()) {
      return Steps.waiting(pin, Optional.empty(), LAUNCH, TOTAL, "preview-split");
    }
    return scaled(ctx, green, params.previewCount(ctx.desired()), PRE, "green-ready");
  }

  private Decision scaled(PlanContext ctx, NewRevision green, int count, int next, String what) {
    List<Action> actions = green.scaleTo(ctx, count, Integer.MAX_VALUE);
    if (!actions.isEmpty() || !green.isScaled(count)) {
      return Steps.waiting(actions, green.wakeAt(), ctx.steps().index(), TOTAL,
          "green-" + green.ready.size() + "/" + green.live());
    }
    return Steps.advance(actions, next, what, TOTAL);
  }

  private Decision gate(PlanContext ctx, NewRevision green, Optional<Analysis> analysis,
      int next) {
    if (analysis.isEmpty() || ctx.steps().promoteFull()) {
      return Steps.advance(List.of(), next, "no-analysis", TOTAL);
    }
    return Steps.analyze(ctx, analysis.get(), green.target, next, TOTAL);
  }

  private Decision promote(PlanContext ctx, NewRevision green) {
    StepState st = ctx.steps();
    int desired = ctx.desired();
    if (!green.isScaled(desired)) {
      return scaled(ctx, green, desired, PROMOTE, "green-full");
    }
    if (st.promoteFull()) {
      return Steps.advance(List.of(), SWITCH, "promoted", TOTAL);
    }
    if (params.manualPromotion()) {
      return Steps.waiting(List.of(new Action.Hold(new Wait(Wait.Reason.AWAITING_PROMOTION,
          "blue-green: green " + green.target + " is ready at full capacity; waiting for"
          + " promote()", Optional.empty()))), Optional.empty(), PROMOTE, TOTAL, "hold");
    }
    Instant at = st.startedAt().plus(params.promotionDelay());
    return ctx.now().isBefore(at)
        ? Steps.waiting(List.of(new Action.Await(new Wait(Wait.Reason.TIMED_PAUSE,
            "blue-green: promotion delay " + Durations.text(params.promotionDelay()),
            Optional.of(at)))), Optional.of(at), PROMOTE, TOTAL, "delay-" + ctx.now())
        : Steps.advance(List.of(), SWITCH, "auto-promoted", TOTAL);
  }

  private Decision scaleDown(PlanContext ctx) {
    StepState st = ctx.steps();
    Instant at = st.startedAt().plus(params.scaleDownDelay());
    if (ctx.now().isBefore(at) && !st.promoteFull()) {
      return Steps.waiting(List.of(new Action.Await(new Wait(Wait.Reason.TIMED_PAUSE,
          "blue-green: scale-down delay " + Durations.text(params.scaleDownDelay()),
          Optional.of(at)))), Optional.of(at), SCALE_DOWN, TOTAL,
          "scale-down-delay-" + ctx.now());
    }
    Decision rolling = scaleDown.decide(ctx);
    int step = rolling.status() == Decision.Status.DONE ? TOTAL : SCALE_DOWN;
    return new Decision(rolling.actions(), rolling.wakeAt(), rolling.status(), rolling.reason(),
        step, TOTAL, "scale-down-" + rolling.progressKey());
  }
}
