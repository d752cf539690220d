package dev.molt.examples;

import dev.molt.Durations;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutListener;
import dev.molt.time.VirtualTime;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/** Prints one readable line per rollout step, with a progress bar. */
final class ProgressPrinter implements RolloutListener {
  private static final int BAR = 20;
  private final PrintStream out;
  private final Clock clock;
  private volatile boolean quiet;

  ProgressPrinter(PrintStream out, VirtualTime time) {
    this(out, time.clock());
  }

  ProgressPrinter(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  void quiet(boolean q) {
    quiet = q;
  }

  @Override
  public void onEvent(Rollout rollout, RolloutEvent event) {
    if (quiet) {
      return;
    }
    String clock = "[" + format(Duration.between(rollout.startedAt(), this.clock.instant())) + "]";
    String what = switch (event.type()) {
      case LAUNCHED, DRAINING, TERMINATED, INSTANCE_FAILED, PAUSED, RESUMED, ABORTING,
          PROVIDER_ERROR, STARTED, STEP, ANALYZED, LEASE_LOST -> event.message();
      case PROGRESS -> bar(rollout.step(), rollout.totalSteps()) + " " + rollout.step() + "/"
          + rollout.totalSteps() + (rollout.strategy().equals("rolling") ? " ready on "
          : " steps done toward ") + rollout.to();
      case SUCCEEDED, ROLLED_BACK, FAILED -> rollout.summary();
      default -> null;
    };
    if (event.type() == RolloutEvent.Type.TRAFFIC_SHIFTED) {
      out.println(event.message()); // exactly "traffic: <rev>=<w>% <rev>=<w>%", for scripts
      return;
    }
    if (what != null) {
      out.printf("%-9s %s%n", clock, what);
    }
  }

  private static String bar(int done, int total) {
    int filled = total == 0 ? BAR : done * BAR / total;
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }

  /**
   * The demo's last line: {@code rollout <id> <PHASE>: <n>/<capacity> instances on <rev> in
   * <virtual time> (wall <ms> ms)}; the line before it is the rollout's own {@link
   * Rollout#summary()}.
   */
  static String summary(Rollout done, int onTarget, int capacity, long wallMs) {
    return "rollout " + done.id() + " " + done.phase() + ": " + onTarget + "/" + capacity
        + " instances on " + done.to() + " in " + format(done.elapsed()) + " (wall " + wallMs
        + " ms)";
  }

  static String format(Duration d) {
    return Durations.text(d);
  }
}
