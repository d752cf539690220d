package dev.molt.timeline;

import dev.molt.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the rollout's time onto the picture's x axis, and picks round tick marks: the smallest of
 * 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 m, 2 m, 5 m, 10 m, 15 m, 30 m, 1 h, 2 h, 3 h, 6 h, 12 h, 1 d
 * (then days, doubled) that gives at most ten intervals between ticks. A 23-minute rollout gets
 * a tick every 5 minutes: {@code +0s}, {@code +5m00s}, ..., {@code +20m00s}.
 *
 * @param start the time at {@code left}
 * @param end the time at {@code right}, after {@code start}
 * @param left the x of {@code start}
 * @param right the x of {@code end}
 */
record TimeAxis(Instant start, Instant end, double left, double right) {
  private static final long[] STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
      7200, 10_800, 21_600, 43_200, 86_400};
  private static final int MAX_TICKS = 10;

  /** @return the x of {@code at}, clamped to the axis */
  double x(Instant at) {
    double span = Duration.between(start, end).toMillis();
    double t = Duration.between(start, at).toMillis();
    double f = Math.max(0, Math.min(1, t / span));
    return left + f * (right - left);
  }

  /** @return the tick times, from {@code start}, at a round interval */
  List<Instant> ticks() {
    long span = Math.max(1, Duration.between(start, end).toSeconds());
    long step = STEPS[STEPS.length - 1];
    for (long s : STEPS) {
      if (span / s <= MAX_TICKS) {
        step = s;
        break;
      }
    }
    while (span / step > MAX_TICKS) {
      step *= 2; // beyond a day: days, doubled
    }
    List<Instant> out = new ArrayList<>();
    for (long t = 0; t <= span; t += step) {
      out.add(start.plusSeconds(t));
    }
    return out;
  }

  /** @return {@code at} as the time since the start, such as {@code +5m00s} */
  String label(Instant at) {
    return "+" + Durations.text(Duration.between(start, at));
  }
}
