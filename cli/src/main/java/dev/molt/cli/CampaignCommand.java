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
import java.util.concurrent.Callable;
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
        + " resume, approve and abort, sent to the process that drives the campaign.",
    subcommands = {CampaignCommand.ListCampaigns.class, CampaignCommand.Status.class,
        CampaignCommand.Pause.class, CampaignCommand.Resume.class, CampaignCommand.Approve.class,
        CampaignCommand.Abort.class})
final class CampaignCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is needed: list, status,"
        + " pause, resume, approve or abort");
  }

  /** Finds the campaign {@code ref} names in the store: an id, else a running campaign's name. */
  static Campaign find(Stores stores, String ref) {
    Optional<Campaign> byId = Campaigns.saved(stores.store(), ref);
    if (byId.isPresent()) {
      return byId.get();
    }
    return Campaigns.unfinished(stores.store()).stream().filter(c -> c.name().equals(ref))
        .findFirst().orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no campaign "
            + ref + " in the store " + stores.location() + " (neither an id nor the name of a"
            + " running campaign); molt campaign list shows the running ones"));
  }

  /** {@code molt campaign list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per running campaign in the store.")
  static final class ListCampaigns implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin StoreOptions store;

    ListCampaigns(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      Stores stores = Stores.open(store.location(terminal));
      List<Campaign> running = Campaigns.unfinished(stores.store());
      if (running.isEmpty()) {
        terminal.out().println("no campaign is running (store " + stores.location() + ")");
      }
      running.forEach(c -> terminal.out().println(c.summary()));
      return ExitCode.OK.code();
    }
  }

  /** {@code molt campaign status <campaign>}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"A campaign's summary, what it waits for, each fleet, and its last events.",
          "Exit status 6 when the store holds no such campaign."})
  static final class Status implements Callable<Integer> {
    private final Terminal terminal;
    @Parameters(index = "0", paramLabel = "<campaign>",
        description = "The campaign's id (ca-...) or, while it runs, its name.")
    String ref;
    @Option(names = "--events", paramLabel = "<n>", defaultValue = "5",
        description = "How many of the last events to show (default 5).")
    int events;
    @Mixin StoreOptions store;

    Status(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      Campaign c = find(Stores.open(store.location(terminal)), ref);
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
  }

  /** What the four controls share: the campaign, the store and how long to wait for an answer. */
  abstract static class Control4 implements Callable<Integer> {
    final Terminal terminal;
    @Parameters(index = "0", paramLabel = "<campaign>",
        description = "The campaign's id (ca-...) or, while it runs, its name.")
    String ref;
    @Mixin StoreOptions store;
    @Option(names = "--wait", paramLabel = "<duration>", defaultValue = "15s",
        converter = DurationConverter.class,
        description = "How long to wait for the driving process's answer (default 15s).")
    Duration wait;

    Control4(Terminal terminal) {
      this.terminal = terminal;
    }

    /** Sends {@code control} to the campaign and reports the answer. */
    int ask(Control control, Optional<String> reason) {
      Stores stores = Stores.open(store.location(terminal));
      Campaign c = find(stores, ref);
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
      ControlAnswer answer = ControlCommands.applied(() -> Campaigns.saved(stores.store(),
          c.id()).flatMap(s -> s.answer(request.id())), wait, verb, "campaign " + c.id(),
          "no process", "a process drives the campaign (Campaigns.start or resume, kept in this"
          + " store)");
      terminal.out().println("molt: " + verb + " applied to campaign " + c.id() + " ("
          + c.name() + ") by " + answer.answeredBy());
      Campaigns.saved(stores.store(), c.id()).ifPresent(s -> terminal.out()
          .println(s.summary()));
      return ExitCode.OK.code();
    }
  }

  /** {@code molt campaign pause <campaign>}. */
  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "No further fleet or wave starts until molt campaign resume; running"
          + " rollouts go on.")
  static final class Pause extends Control4 {
    Pause(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(Control.PAUSE, Optional.empty());
    }
  }

  /** {@code molt campaign resume <campaign>}. */
  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continues a paused campaign.")
  static final class Resume extends Control4 {
    Resume(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(Control.RESUME, Optional.empty());
    }
  }

  /** {@code molt campaign approve <campaign>}. */
  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Lets the wave that waits for approval start.")
  static final class Approve extends Control4 {
    Approve(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      return ask(Control.APPROVE, Optional.empty());
    }
  }

  /** {@code molt campaign abort <campaign> [--reason text]}. */
  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Halts the campaign: running rollouts are aborted and the fleets it changed"
          + " return to their previous revision.")
  static final class Abort extends Control4 {
    @Option(names = "--reason", paramLabel = "<text>",
        description = "Why; it becomes the campaign's reason (default: aborted with molt"
            + " campaign abort).")
    String reason;

    Abort(Terminal terminal) {
      super(terminal);
    }

    @Override
    public Integer call() {
      String why = reason == null || reason.isBlank() ? "aborted with molt campaign abort by "
          + RolloutRunner.identity() : reason;
      return ask(Control.ABORT, Optional.of(why));
    }
  }
}
