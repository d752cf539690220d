package dev.molt.cli;

import dev.molt.Durations;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code molt status [fleet]}: where rollouts are, from the store. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Without a fleet: one line per running rollout in the store. With one: the"
        + " fleet's running (else latest) rollout, what it waits for, which engine drives it,"
        + " and its last events.",
        "Exit status 6 when the store holds no rollout of the fleet."})
final class StatusCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Parameters(index = "0", arity = "0..1", paramLabel = "<fleet>",
      description = "The fleet, such as web.")
  String fleet;
  @Option(names = "--events", paramLabel = "<n>", defaultValue = "5",
      description = "How many of the last events to show for a fleet (default 5).")
  int events;
  @Mixin StoreOptions store;

  StatusCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    Stores stores = Stores.open(store.location(terminal));
    PrintStream out = terminal.out();
    if (fleet == null) {
      List<RolloutRecord> running = stores.store().unfinished();
      if (running.isEmpty()) {
        out.println("no rollout is running (store " + stores.location() + ")");
      }
      running.forEach(r -> out.println(r.rollout().summary()));
      return ExitCode.OK.code();
    }
    RolloutRecord latest = stores.latest(fleet).orElseThrow(() -> new CliException(
        ExitCode.NOT_FOUND, "no rollout of fleet " + fleet + " in the store "
        + stores.location() + "; molt status lists the running ones (--store chooses another"
        + " store)"));
    Rollout r = latest.rollout();
    out.println(r.summary());
    out.println("  phase " + r.phase() + ", started " + r.startedAt() + ", last saved "
        + r.updatedAt() + " (" + Durations.text(Duration.between(r.updatedAt(), Instant.now())
        .abs()) + " ago)");
    r.waiting().ifPresent(w -> out.println("  waiting " + w.describe(Instant.now())));
    r.reason().ifPresent(why -> out.println("  reason " + why));
    Optional<Lease> lease = stores.store().lease(fleet);
    if (!latest.isFinished()) {
      out.println(lease.map(l -> "  driven by " + l.holder() + " (lease until " + l.expiresAt()
          + ")").orElse("  no engine holds the fleet: the rollout waits to be resumed"));
    }
    List<RolloutEvent> history = r.history();
    history.subList(Math.max(0, history.size() - Math.max(0, events)), history.size())
        .forEach(e -> out.println("  " + e));
    return ExitCode.OK.code();
  }
}
