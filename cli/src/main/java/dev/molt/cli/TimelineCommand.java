package dev.molt.cli;

import dev.molt.store.RolloutRecord;
import dev.molt.timeline.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code molt timeline <rollout-id> -o rollout.svg}: the picture of a stored rollout. */
@Command(name = "timeline", mixinStandardHelpOptions = true,
    description = {"Draws a rollout the store keeps from its recorded events: instances per"
        + " revision and state over time, the traffic split, step boundaries, pauses, gate"
        + " measurements with their verdicts and the rollback moment (docs/timeline.md).",
        "An .svg file gets the picture; an .html file a self-contained page with the picture"
        + " and a table of every event. Exit status 6 when the store has no such rollout."})
final class TimelineCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Parameters(index = "0", paramLabel = "<rollout-id>",
      description = "The rollout, such as ro-1a2b3c4d (molt history <fleet> lists them).")
  String rolloutId;
  @Option(names = {"-o", "--output"}, required = true, paramLabel = "<file>",
      description = "Where to write it: a .svg or .html file.")
  Path output;
  @Mixin StoreOptions store;

  TimelineCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean html = name.endsWith(".html") || name.endsWith(".htm");
    if (!html && !name.endsWith(".svg")) {
      throw new CliException(ExitCode.BAD_INPUT, "-o " + output + " must end in .svg or .html:"
          + " the picture alone, or a page with it and the events");
    }
    Stores stores = Stores.open(store.location(terminal));
    RolloutRecord record = stores.store().load(rolloutId).orElseThrow(() -> new CliException(
        ExitCode.NOT_FOUND, "no rollout " + rolloutId + " in the store " + stores.location()
        + "; molt history <fleet> lists the rollouts it keeps, --store chooses another store"));
    Timeline timeline = Timeline.of(record);
    try {
      Files.writeString(output, html ? timeline.html() : timeline.svg());
    } catch (IOException e) {
      throw new CliException(ExitCode.BAD_INPUT, "cannot write " + output + ": " + e.getMessage()
          + "; choose a file in a directory you can write", e);
    }
    terminal.out().println("wrote " + output + ": rollout " + record.id() + " of fleet "
        + record.fleet() + ", " + record.rollout().phase() + ", "
        + record.rollout().history().size() + " events");
    return ExitCode.OK.code();
  }
}
