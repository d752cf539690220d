package dev.molt.cli;

import dev.molt.store.RolloutRecord;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code molt history <fleet>}: the fleet's rollouts, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"One line per rollout of the fleet the store keeps, oldest first; with"
        + " --events, every event of each. The file store keeps finished rollouts; the"
        + " PostgreSQL store lists the running ones only.",
        "Exit status 6 when the store holds no rollout of the fleet."})
final class HistoryCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Parameters(index = "0", paramLabel = "<fleet>", description = "The fleet, such as web.")
  String fleet;
  @Option(names = "--events", description = "Print every event of each rollout too.")
  boolean events;
  @Mixin StoreOptions store;

  HistoryCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    Stores stores = Stores.open(store.location(terminal));
    List<RolloutRecord> all = stores.ofFleet(fleet);
    if (all.isEmpty()) {
      throw new CliException(ExitCode.NOT_FOUND, "no rollout of fleet " + fleet + " in the"
          + " store " + stores.location() + (stores.listsFinished() ? "" : " (PostgreSQL lists"
          + " running rollouts only)") + "; --store chooses another store");
    }
    PrintStream out = terminal.out();
    for (RolloutRecord r : all) {
      out.println(r.rollout().startedAt() + " " + r.rollout().summary());
      if (events) {
        r.rollout().history().forEach(e -> out.println("  " + e));
      }
    }
    return ExitCode.OK.code();
  }
}
