package dev.molt.cli;

import dev.molt.Durations;
import dev.molt.Fleet;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.Wait;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Runs one rollout to its end on a platform, showing it, and says how it ended: what {@code molt
 * apply} does, and {@code molt retry}/{@code undo} of an ended rollout.
 */
final class RolloutRunner {
  /** More answers than any spec's steps need: a control that changes nothing ends the run. */
  private static final int MAX_SIMULATED_ANSWERS = 1_000;
  private static final String STAND_IN = "sha256:" + "0".repeat(64);

  private final Terminal terminal;
  private final PlatformOptions platformOptions;
  private final StoreOptions storeOptions;

  RolloutRunner(Terminal terminal, PlatformOptions platformOptions, StoreOptions storeOptions) {
    this.terminal = terminal;
    this.platformOptions = platformOptions;
    this.storeOptions = storeOptions;
  }

  ExitCode run(RolloutSpec asked, Optional<LaunchSpec> previous) {
    PrintStream out = terminal.out();
    try (Platform platform = Platform.open(platformOptions)) {
      RolloutSpec spec = platform.simulated().isPresent()
          ? SimulatedGates.apply(asked, platformOptions.gateVerdict) : asked;
      boolean virtual = platform.virtualTime().isPresent();
      ProgressView view = new ProgressView(out, platform.clock(), platform.provider(),
          terminal.interactive(), !virtual, terminal.columns());
      try (RolloutEngine engine = engine(platform, view)) {
        standIn(platform, spec, platformOptions.poll).ifPresent(before -> {
          engine.remember(before);
          out.println("molt: simulated fleet " + spec.fleet() + " starts with "
              + spec.capacity() + " healthy instances of a stand-in previous revision "
              + before.revision());
        });
        previous.ifPresent(engine::remember);
        out.println("molt: rolling fleet " + spec.fleet() + " to " + spec.target().revision()
            + " (" + spec.target().image().version() + ") with " + spec.strategy().name()
            + " on " + platform.name() + (virtual ? " in virtual time"
            : ", store " + storeOptions.location(terminal)));
        long wallStart = System.nanoTime();
        Rollout done = toTheEnd(engine, engine.start(spec), platform, view);
        long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
        out.println(summary(done, onTarget(engine, platform, done), spec.capacity(), wallMs));
        return exitCode(done);
      }
    }
  }

  private RolloutEngine engine(Platform platform, ProgressView view) {
    // a virtual-time rehearsal keeps no records: its times and leases are not the wall clock's
    RolloutStore store = platform.virtualTime().isPresent() ? new InMemoryRolloutStore()
        : Stores.open(storeOptions.location(terminal)).store();
    RolloutEngine.Builder builder = platform.engine().store(store).identity(identity())
        .pollInterval(platformOptions.poll).listener(view);
    if (platform.simulated().isPresent()) {
      builder.seed(platformOptions.seed);
    }
    return builder.build();
  }

  /** Waits for the end; Ctrl-C closes the engine, which releases the fleet's lease at once. */
  private Rollout toTheEnd(RolloutEngine engine, RolloutHandle handle, Platform platform,
      ProgressView view) {
    Thread hook = new Thread(engine::close, "molt-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return platform.virtualTime().map(time -> inVirtualTime(time, handle, view))
          .orElseGet(() -> handle.completion().join());
    } catch (CompletionException e) {
      throw new CliException(ExitCode.INTERRUPTED, "the run of rollout " + handle.id()
          + " stopped before it ended: " + Molt.oneLine(String.valueOf(e.getCause()
          .getMessage())) + "; molt status " + handle.current().fleet() + " shows where it is",
          e);
    } finally {
      view.finish();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running or ran; the engine is closed either way
      }
    }
  }

  /**
   * A simulated fleet starts at capacity on a stand-in of the previous revision (the target with
   * an image of zeros), so that a canary or blue-green has a stable side, as a real fleet would.
   *
   * @return the stand-in's launch spec, for engines to relaunch on a rollback
   */
  static Optional<LaunchSpec> standIn(Platform platform, RolloutSpec spec, Duration poll) {
    if (platform.simulated().isEmpty() || spec.capacity() == 0) {
      return Optional.empty();
    }
    LaunchSpec before = spec.target().withImage(Image.of(STAND_IN, "stand-in previous"));
    try (RolloutEngine seed = platform.engine().pollInterval(poll).build()) {
      seed.run(spec.toBuilder().target(before).strategy(RollingUpdate.defaults()
          .withLimits(Amount.percent(100), Amount.of(0))).build());
    }
    return Optional.of(before);
  }

  private Rollout inVirtualTime(VirtualTime time, RolloutHandle handle, ProgressView view) {
    for (int answered = 0; answered < MAX_SIMULATED_ANSWERS; answered++) {
      Optional<Rollout> done = time.awaitUnless(handle.completion(),
          () -> waitsForPerson(handle.current()).isPresent());
      if (done.isPresent()) {
        return done.get();
      }
      Wait wait = waitsForPerson(handle.current()).orElseThrow();
      view.note("molt: simulation: " + wait.describe(handle.current().updatedAt())
          + "; answering as `molt " + control(wait) + " " + handle.current().fleet()
          + "` would");
      answer(handle, wait);
    }
    throw new CliException(ExitCode.INTERRUPTED, "the simulation answered "
        + MAX_SIMULATED_ANSWERS + " waits for a person and the rollout still waits: stopping");
  }

  private static Optional<Wait> waitsForPerson(Rollout r) {
    return r.isDone() ? Optional.empty() : r.waiting().filter(w -> w.reason().needsPerson());
  }

  private static String control(Wait wait) {
    return switch (wait.reason()) {
      case UNTIMED_PAUSE, AWAITING_PROMOTION -> "promote";
      case PAUSED_AFTER_FAILURE -> "abort";
      default -> "resume";
    };
  }

  private static void answer(RolloutHandle handle, Wait wait) {
    switch (wait.reason()) {
      case UNTIMED_PAUSE, AWAITING_PROMOTION -> handle.promote();
      case PAUSED_AFTER_FAILURE -> handle.abort("simulation: paused after a failure; aborted to"
          + " end the rehearsal");
      default -> handle.resume();
    }
  }

  private static int onTarget(RolloutEngine engine, Platform platform, Rollout done) {
    List<Instance> seen;
    try {
      Fleet fleet = engine.observe(done.fleet());
      seen = fleet.instances();
    } catch (RuntimeException e) {
      seen = platform.provider().lastSeen(done.fleet()); // the count is for people; do not fail
    }
    return (int) seen.stream().filter(i -> i.revision().equals(done.to()) && i.isHealthy())
        .count();
  }

  /**
   * The last line, the same as the demo's: {@code rollout <id> <PHASE>: <n>/<capacity> instances
   * on <rev> in <rollout time> (wall <ms> ms)}.
   */
  static String summary(Rollout done, int onTarget, int capacity, long wallMs) {
    return "rollout " + done.id() + " " + done.phase() + ": " + onTarget + "/" + capacity
        + " instances on " + done.to() + " in " + Durations.text(done.elapsed()) + " (wall "
        + wallMs + " ms)";
  }

  static ExitCode exitCode(Rollout done) {
    return switch (done.phase()) {
      case SUCCEEDED -> ExitCode.OK;
      case ROLLED_BACK -> ExitCode.ROLLED_BACK;
      case FAILED -> ExitCode.FAILED;
      default -> ExitCode.INTERRUPTED;
    };
  }

  static String identity() {
    String user = System.getProperty("user.name", "someone").replaceAll("[^A-Za-z0-9._-]", "-");
    return "molt-" + user + "-" + ProcessHandle.current().pid();
  }

}
