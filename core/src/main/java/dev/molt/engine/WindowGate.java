package dev.molt.engine;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.Wait;
import dev.molt.rollout.WindowEnd;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a rollout's {@link DeploymentWindows} hold it now, and the wait people and programs
 * see. Pure: the run asks before each forward tick; a rollback never asks.
 */
final class WindowGate {
  private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm",
      Locale.ROOT);

  private WindowGate() {}

  /**
   * @param spec the rollout's spec
   * @param now the engine's time
   * @param passed whether the run went on inside a window and has moved since (a FINISH rollout
   *     then keeps going)
   * @return the wait, if the windows hold the run now; its {@code until} is empty when no window
   *     opens within about 400 days
   */
  static Optional<Wait> holdAt(RolloutSpec spec, Instant now, boolean passed) {
    DeploymentWindows w = spec.windows();
    if (w.isAlwaysOpen() || w.allows(now)
        || (passed && spec.atWindowEnd() == WindowEnd.FINISH)) {
      return Optional.empty();
    }
    Optional<Instant> opens = w.nextOpening(now);
    String why = w.freeze(now).map(f -> "frozen until " + at(f.until(), w.zone()) + " ("
        + f.reason() + ")" + opens.filter(o -> !o.equals(f.until()))
            .map(o -> "; window opens " + at(o, w.zone())).orElse(""))
        .orElseGet(() -> "waiting for window: " + opens.map(o -> "opens " + at(o, w.zone()))
            .orElse("none opens"));
    String text = (passed ? "window ended, paused between steps; " : "") + why
        + (opens.isEmpty() ? " (no opening within 400 days)" : "");
    return Optional.of(new Wait(Wait.Reason.OUTSIDE_WINDOW, text, opens));
  }

  /** @return {@code Tue 2026-12-08 09:00 Europe/Berlin} */
  static String at(Instant t, ZoneId zone) {
    return AT.format(t.atZone(zone)) + " " + zone.getId();
  }
}
