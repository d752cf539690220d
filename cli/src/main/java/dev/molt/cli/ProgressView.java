package dev.molt.cli;

import dev.molt.Durations;
import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.engine.RolloutListener;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.Wait;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Shows a running rollout. On a terminal ({@code live}) one line is redrawn in place with the
 * progress bar, the step, the traffic split and the instances per revision and state, and the
 * events that matter (pauses, analyses, failures, the end) are printed above it. Otherwise one
 * plain line per change: {@code [<elapsed>] <event message>}, the traffic lines exactly as {@code
 * traffic: <rev>=<w>% <rev>=<w>%}, and the rollout's own {@link Rollout#summary()} at its end.
 * Thread-safe: events arrive on the engine's threads.
 */
final class ProgressView implements RolloutListener {
  private static final int BAR = 20;
  private final PrintStream out;
  private final Clock clock;
  private final Watched platform;
  private final boolean live;
  private final boolean hints;
  private final int width;
  private String traffic = "";
  private Optional<Wait> lastWait = Optional.empty();
  private boolean lineShown;
  private boolean quiet;

  /**
   * @param hints whether to say which {@code molt} control ends a wait for a person (not in
   *     virtual time, where the simulation answers itself)
   * @param width the terminal's columns: a longer live line would wrap, and a carriage return
   *     redraws only its last row
   */
  ProgressView(PrintStream out, Clock clock, Watched platform, boolean live, boolean hints,
      int width) {
    this.out = out;
    this.clock = clock;
    this.platform = platform;
    this.live = live;
    this.hints = hints;
    this.width = Math.max(20, width);
  }

  synchronized void quiet(boolean q) {
    quiet = q;
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (quiet) {
      return;
    }
    if (event.type() == RolloutEvent.Type.TRAFFIC_SHIFTED) {
      traffic = event.message().replaceFirst("^traffic: ", "");
    }
    Optional<String> line = plainLine(rollout, event);
    if (live) {
      if (line.isPresent() && event.type() != RolloutEvent.Type.PROGRESS
          && event.type() != RolloutEvent.Type.TRAFFIC_SHIFTED) {
        clearLine();
        out.println(line.get());
      }
      if (!rollout.isDone()) {
        String shown = liveLine(rollout);
        out.print("\r\033[K" + (shown.length() < width ? shown
            : shown.substring(0, width - 4) + "..."));
        out.flush();
        lineShown = true;
      }
    } else {
      line.ifPresent(out::println);
    }
    hintWhenWaitingForAPerson(rollout);
  }

  /** Ends the live line, so what follows starts on a line of its own. */
  synchronized void finish() {
    clearLine();
  }

  private void clearLine() {
    if (lineShown) {
      out.print("\r\033[K");
      out.flush();
      lineShown = false;
    }
  }

  private Optional<String> plainLine(Rollout rollout, RolloutEvent event) {
    if (event.type() == RolloutEvent.Type.TRAFFIC_SHIFTED) {
      return Optional.of(event.message()); // exactly "traffic: <rev>=<w>% ...", for scripts
    }
    String what = switch (event.type()) {
      case PROGRESS -> bar(rollout) + " " + rollout.step() + "/" + rollout.totalSteps()
          + (rollout.strategy().equals("rolling") ? " ready on " : " steps done toward ")
          + rollout.to();
      case SUCCEEDED, ROLLED_BACK, FAILED -> rollout.summary();
      default -> event.message();
    };
    String elapsed = "[" + Durations.text(Duration.between(rollout.startedAt(), clock.instant()))
        + "]";
    return Optional.of(String.format("%-9s %s", elapsed, what));
  }

  private String liveLine(Rollout r) {
    String step = (r.strategy().equals("rolling") ? "ready " : "step ") + r.step() + "/"
        + r.totalSteps();
    String split = traffic.isEmpty() ? "" : "  traffic " + traffic;
    return bar(r) + " " + step + "  " + r.phase() + split + "  " + instances(r.fleet())
        + r.waiting().map(w -> "  waiting " + w.reason()).orElse("");
  }

  /** @return {@code r-aa 10 healthy | r-bb 2 healthy 1 launching}, from the last observation */
  private String instances(String fleet) {
    Map<Revision, Map<String, Long>> counts = platform.lastSeen(fleet).stream()
        .collect(Collectors.groupingBy(Instance::revision, TreeMap::new,
            Collectors.groupingBy(platform::stateOf, TreeMap::new, Collectors.counting())));
    if (counts.isEmpty()) {
      return "no instances";
    }
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().entrySet()
        .stream().map(s -> s.getValue() + " " + s.getKey()).collect(Collectors.joining(" ")))
        .collect(Collectors.joining(" | "));
  }

  /** Prints a line of the command's own above the live line. */
  synchronized void note(String line) {
    clearLine();
    out.println(line);
  }

  private void hintWhenWaitingForAPerson(Rollout r) {
    Optional<Wait> wait = r.waiting().filter(w -> w.reason().needsPerson());
    if (hints && wait.isPresent() && !wait.equals(lastWait) && !r.isDone()) {
      clearLine();
      out.println("waiting for a person: " + wait.get().describe(r.updatedAt()) + "; from"
          + " another terminal: " + controls(wait.get().reason()) + " " + r.fleet());
    }
    lastWait = wait;
  }

  private static String controls(Wait.Reason reason) {
    return switch (reason) {
      case UNTIMED_PAUSE, AWAITING_PROMOTION -> "molt promote|abort";
      case INCONCLUSIVE_ANALYSIS -> "molt resume|abort";
      default -> "molt resume|undo|abort";
    };
  }

  private static String bar(Rollout r) {
    int total = r.totalSteps();
    int filled = total == 0 ? BAR : Math.min(BAR, r.step() * BAR / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }
}
