package dev.molt.cli;

import dev.molt.Durations;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetProgress;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.ControlRequest.Control;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code molt campaign list|status|pause|resume|approve|abort}: patch-wave campaigns kept in the
 * store, seen and steered from any terminal. A control is a {@link ControlRequest} with the
 * campaign's id, written to the store; the process that drives the campaign applies it within its
 * poll interval and answers in the campaign's saved snapshot, and the command prints the answer.
 * A campaign is named by its id ({@code ca-...}) or, while it runs, by its name.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
    description = "Patch-wave campaigns in the store: list, status, and the controls pause,"
        + " resume, approve and abort, sent to the process that drives the campaign.")
final class CampaignCommand implements Runnable {
  private final Terminal terminal;
  @Spec CommandSpec spec;

  CampaignCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is needed: list, status,"
        + " pause, resume, approve or abort");
  }

  /** What names a campaign and where it is kept: every subcommand but {@code list} takes it. */
  static final class Target {
    @Parameters(index = "0", paramLabel = "<campaign>",
        description = "The campaign's id (ca-...) or, while it runs, its name.")
    String ref;
    @Mixin StoreOptions store;
  }

  /** How long a control waits for the driving process's answer. */
  static final class Answer {
    @Option(names = "--wait", paramLabel = "<duration>", defaultValue = "15s",
        converter = DurationConverter.class,
        description = "How long to wait for the driving process's answer (default 15s).")
    Duration wait;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per running campaign in the store.")
  int list(@Mixin StoreOptions store) {
    Stores stores = Stores.open(store.location(terminal));
    List<Campaign> running = Campaigns.unfinished(stores.store());
    if (running.isEmpty()) {
      terminal.out().println("no campaign is running (store " + stores.location() + ")");
    }
    running.forEach(c -> terminal.out().println(c.summary()));
    return ExitCode.OK.code();
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"A campaign's summary, what it waits for, each fleet, and its last events.",
          "Exit status 6 when the store holds no such campaign."})
  int status(@Mixin Target target, @Option(names = "--events", paramLabel = "<n>",
      defaultValue = "5", description = "How many of the last events to show (default 5).")
      int events) {
    Campaign c = find(Stores.open(target.store.location(terminal)), target.ref);
    PrintStream out = terminal.out();
    out.println(c.summary());
    out.println("  started " + c.startedAt() + ", last saved " + c.updatedAt() + " ("
        + Durations.text(Duration.between(c.updatedAt(), Instant.now()).abs()) + " ago)");
    c.waiting().ifPresent(w -> out.println("  waiting " + w));
    for (FleetProgress f : c.fleets()) {
      out.println(String.format(Locale.ROOT, "  %-10s %-14s %-12s %s%s%s", f.wave(),
          f.fleet(), f.status(), f.from(), f.target().map(t -> " -> " + t).orElse(""),
          f.rolloutId().map(id -> " (" + id + ")").orElse("")));
    }
    List<CampaignEvent> history = c.history();
    for (CampaignEvent e : history.subList(Math.max(0, history.size() - events),
        history.size())) {
      out.println("  " + e.at() + " " + e.type() + e.wave().map(w -> " wave=" + w).orElse("")
          + e.fleet().map(f -> " fleet=" + f).orElse("") + " " + e.detail());
    }
    return ExitCode.OK.code();
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "No further fleet or wave starts until molt campaign resume; running"
          + " rollouts go on.")
  int pause(@Mixin Target target, @Mixin Answer answer) {
    return ask(target, answer, Control.PAUSE, Optional.empty());
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continues a paused campaign.")
  int resume(@Mixin Target target, @Mixin Answer answer) {
    return ask(target, answer, Control.RESUME, Optional.empty());
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Lets the wave that waits for approval start.")
  int approve(@Mixin Target target, @Mixin Answer answer) {
    return ask(target, answer, Control.APPROVE, Optional.empty());
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Halts the campaign: running rollouts are aborted and the fleets it changed"
          + " return to their previous revision.")
  int abort(@Mixin Target target, @Mixin Answer answer, @Option(names = "--reason",
      paramLabel = "<text>", description = "Why; it becomes the campaign's reason (default:"
          + " aborted with molt campaign abort).") String reason) {
    String why = reason == null || reason.isBlank() ? "aborted with molt campaign abort by "
        + RolloutRunner.identity() : reason;
    return ask(target, answer, Control.ABORT, Optional.of(why));
  }

  /** Finds the campaign {@code ref} names in the store: an id, else a running campaign's name. */
  private static Campaign find(Stores stores, String ref) {
    Optional<Campaign> byId = Campaigns.saved(stores.store(), ref);
    if (byId.isPresent()) {
      return byId.get();
    }
    return Campaigns.unfinished(stores.store()).stream().filter(c -> c.name().equals(ref))
        .findFirst().orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no campaign "
            + ref + " in the store " + stores.location() + " (neither an id nor the name of a"
            + " running campaign); molt campaign list shows the running ones"));
  }

  /** Sends {@code control} to the campaign and reports the answer. */
  private int ask(Target target, Answer wait, Control control, Optional<String> reason) {
    Stores stores = Stores.open(target.store.location(terminal));
    Campaign c = find(stores, target.ref);
    String verb = ControlCommands.verb(control);
    if (c.isDone()) {
      throw new CliException(ExitCode.REFUSED, "campaign " + c.id() + " ended " + c.phase()
          + ": nothing to " + verb);
    }
    String who = RolloutRunner.identity();
    ControlRequest request = control == Control.ABORT
        ? ControlRequest.abort(c.id(), reason.orElseThrow(), who, Instant.now())
        : ControlRequest.of(c.id(), control, who, Instant.now());
    stores.store().request(request);
    ControlAnswer answer;
    try {
      answer = ControlCommands.applied(() -> Campaigns.saved(stores.store(), c.id())
          .flatMap(s -> s.answer(request.id())), wait.wait, verb, "campaign " + c.id(),
          "no process", "a process drives the campaign (Campaigns.start or resume, kept in this"
          + " store)");
    } catch (CliException e) {
      Optional<Campaign> now = Campaigns.saved(stores.store(), c.id()).filter(Campaign::isDone);
      if (e.exitCode() == ExitCode.NO_ANSWER && now.isPresent()) {
        throw new CliException(ExitCode.REFUSED, "campaign " + c.id() + " ended "
            + now.get().phase() + " before it answered the " + verb + ": nothing to " + verb);
      }
      throw e;
    }
    terminal.out().println("molt: " + verb + " applied to campaign " + c.id() + " ("
        + c.name() + ") by " + answer.answeredBy());
    Campaigns.saved(stores.store(), c.id()).ifPresent(s -> terminal.out().println(s.summary()));
    return ExitCode.OK.code();
  }
}
