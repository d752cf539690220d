package dev.molt.cli;

import dev.molt.Durations;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.ControlRequest.Control;
import dev.molt.store.RolloutRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code molt pause|resume|promote|abort|undo|retry <fleet>}: steer a fleet's rollout from any
 * terminal. A running rollout is asked through the store ({@link ControlRequest}); the engine
 * driving it picks the request up within its poll interval and answers in the record, and the
 * command prints the answer. {@code undo} of a SUCCEEDED rollout and {@code retry} of a FAILED or
 * ROLLED_BACK one start a new rollout here, on the platform given.
 */
final class ControlCommands {
  private ControlCommands() {}

  /** What the six commands share: the fleet, the store and how long to wait for an answer. */
  abstract static class Base implements Callable<Integer> {
    final Terminal terminal;
    @Parameters(index = "0", paramLabel = "<fleet>", description = "The fleet, such as web.")
    String fleet;
    @Mixin StoreOptions store;
    @Option(names = "--wait", paramLabel = "<duration>", defaultValue = "15s",
        converter = DurationConverter.class,
        description = "How long to wait for the driving engine's answer (default 15s).")
    Duration wait;

    Base(Terminal terminal) {
      this.terminal = terminal;
    }

    /** Asks the fleet's running rollout for {@code control} and reports the answer. */
    int ask(Control control, Optional<String> reason) {
      Stores stores = Stores.open(store.location(terminal));
      RolloutRecord running = stores.ofFleet(fleet).stream().filter(r -> !r.isFinished())
          .reduce((a, b) -> b).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND,
              "no running rollout of fleet " + fleet + " in the store " + stores.location()
              + "; molt status lists what is there (--store chooses another store)"));
      String who = RolloutRunner.identity();
      ControlRequest request = control == Control.ABORT
          ? ControlRequest.abort(running.id(), reason.orElseThrow(), who, Instant.now())
          : ControlRequest.of(running.id(), control, who, Instant.now());
      stores.store().request(request);
      String verb = verb(control);
      ControlAnswer answer = applied(() -> stores.store().load(running.id())
          .flatMap(r -> r.answer(request.id())), wait, verb, "rollout " + running.id(),
          "no engine", "an engine drives the rollout (is its molt apply still running?)");
      terminal.out().println("molt: " + verb + " applied to rollout " + running.id()
          + " of fleet " + fleet + " by " + answer.answeredBy());
      stores.store().load(running.id()).ifPresent(r -> terminal.out().println(
          r.rollout().summary()));
      return ExitCode.OK.code();
    }
  }

  /** {@code molt pause <fleet>}. */
  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Holds the fleet's running rollout where it is (molt resume goes on).")
  static final class Pause extends Base {
    Pause(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(Control.PAUSE, Optional.empty());
    }
  }

  /** {@code molt resume <fleet>}. */
  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continues the fleet's paused rollout, or accepts an inconclusive analysis.")
  static final class Resume extends Base {
    Resume(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(Control.RESUME, Optional.empty());
    }
  }

  /** {@code molt promote <fleet> [--full]}. */
  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Moves the fleet's blue-green or canary rollout past its current step: a"
          + " hold, a pause, an analysis or a promotion delay.")
  static final class Promote extends Base {
    @Option(names = "--full", description = "Skip every remaining step and promote fully.")
    boolean full;

    Promote(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(full ? Control.PROMOTE_FULL : Control.PROMOTE, Optional.empty());
    }
  }

  /** {@code molt abort <fleet> [--reason text]}. */
  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Returns the fleet to its previous revision and destroys the new one.")
  static final class Abort extends Base {
    @Option(names = "--reason", paramLabel = "<text>",
        description = "Why; it becomes the rollout's reason (default: aborted with molt abort).")
    String reason;

    Abort(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      String why = reason == null || reason.isBlank() ? "aborted with molt abort by "
          + RolloutRunner.identity() : reason;
      return ask(Control.ABORT, Optional.of(why));
    }
  }

  /** {@code molt undo <fleet>}. */
  @Command(name = "undo", mixinStandardHelpOptions = true,
      description = {"Returns the fleet to the revision it ran before its latest rollout. A"
          + " running rollout is rolled back by its engine (through the store); after a"
          + " SUCCEEDED one, a new rollout of the previous revision runs here, on the platform"
          + " given, as molt apply would."})
  static final class Undo extends Base {
    @Mixin PlatformOptions platform;

    Undo(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      RolloutRecord latest = latest(this);
      if (!latest.isFinished()) {
        return ask(Control.UNDO, Optional.empty());
      }
      if (latest.rollout().phase() != RolloutPhase.SUCCEEDED) {
        throw new CliException(ExitCode.REFUSED, "rollout " + latest.id() + " of fleet " + fleet
            + " ended " + latest.rollout().phase() + ": nothing to undo (molt retry " + fleet
            + " runs it again)");
      }
      LaunchSpec before = latest.previous().orElseThrow(() -> new CliException(ExitCode.REFUSED,
          "rollout " + latest.id() + " did not record the revision it replaced: undo it with"
          + " molt apply -f <a file of the previous revision>"));
      return new RolloutRunner(terminal, platform, store)
          .run(latest.spec().withTarget(before), Optional.of(latest.spec().target())).code();
    }
  }

  /** {@code molt retry <fleet>}. */
  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Runs the fleet's latest rollout again, as a new rollout here on the platform"
          + " given, after it ended FAILED or ROLLED_BACK.")
  static final class Retry extends Base {
    @Mixin PlatformOptions platform;

    Retry(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      RolloutRecord latest = latest(this);
      RolloutPhase phase = latest.rollout().phase();
      if (phase != RolloutPhase.FAILED && phase != RolloutPhase.ROLLED_BACK) {
        throw new CliException(ExitCode.REFUSED, "rollout " + latest.id() + " of fleet " + fleet
            + " is " + phase + ": retry runs a rollout that ended FAILED or ROLLED_BACK");
      }
      return new RolloutRunner(terminal, platform, store).run(latest.spec(), latest.previous())
          .code();
    }
  }

  /** @return the control's name as a command says it: {@code promote-full} */
  static String verb(Control control) {
    return control.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Waits for the final answer to a request sent through the store.
   *
   * @param answer reads the request's answer from the store
   * @param wait how long to wait for it
   * @param verb the control, as {@link #verb} says it
   * @param what what it was sent to: {@code rollout ro-...}
   * @param driver who answers: {@code no engine}
   * @param until when a request left unanswered is taken
   * @return the answer, APPLIED
   * @throws CliException NO_ANSWER if none came in time, REFUSED with the driver's words
   */
  static ControlAnswer applied(java.util.function.Supplier<Optional<ControlAnswer>> answer,
      Duration wait, String verb, String what, String driver, String until) {
    Optional<ControlAnswer> got = Waiting.until(() -> answer.get()
        .filter(a -> a.outcome() != ControlAnswer.Outcome.TAKEN), wait);
    if (got.isEmpty()) {
      throw new CliException(ExitCode.NO_ANSWER, driver + " answered the " + verb + " of "
          + what + " within " + Durations.text(wait) + "; the request waits in the store until "
          + until);
    }
    if (got.get().outcome() == ControlAnswer.Outcome.REFUSED) {
      throw new CliException(ExitCode.REFUSED, verb + " of " + what + " refused by "
          + got.get().answeredBy() + ": " + Molt.oneLine(got.get().message()));
    }
    return got.get();
  }

  private static RolloutRecord latest(Base command) {
    Stores stores = Stores.open(command.store.location(command.terminal));
    return stores.latest(command.fleet).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND,
        "no rollout of fleet " + command.fleet + " in the store " + stores.location()
        + "; molt status lists what is there (--store chooses another store)"));
  }
}
