package dev.molt.cli;

import dev.molt.engine.ReconcileHandle;
import dev.molt.engine.RolloutEngine;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code molt reconcile -f fleet.yaml [--dry-run]}: holds a fleet to its declared revision. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = {"Finds the fleet's instances out of line with the kind: Reconcile file"
        + " (drifted, tainted, unhealthy, missing or extra) and replaces them, one reconcile"
        + " pass; with --dry-run it only reports. Prints each finding and the report's summary."
        + " A simulated fleet starts on a stand-in revision, drifted from the declared one.",
        "Exit status 0 when the fleet is in line at the end (or, with --dry-run, always)."})
final class ReconcileCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin FileOptions file;
  @Mixin PlatformOptions platform;
  @Mixin StoreOptions store;
  @Option(names = "--dry-run", description = "Report what would be done and change nothing.")
  boolean dryRun;

  ReconcileCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    platform.kind();
    ReconcileSpec read = file.reconcile().spec();
    ReconcileSpec spec = dryRun ? read.withDryRun(true) : read;
    PrintStream out = terminal.out();
    try (Platform p = Platform.open(platform)) {
      RolloutStore rollouts = p.virtualTime().isPresent() ? new InMemoryRolloutStore()
          : Stores.open(store.location(terminal)).store();
      ProgressView view = new ProgressView(out, p.clock(), p.provider(), terminal.interactive(),
          false, terminal.columns());
      try (RolloutEngine engine = p.engine().store(rollouts).identity(RolloutRunner.identity())
          .pollInterval(platform.poll).listener(view).build()) {
        // a simulated fleet starts drifted: all on a stand-in revision, for the pass to find
        RolloutRunner.standIn(p, spec.asRollout(), platform.poll).ifPresent(before ->
            out.println("molt: simulated fleet " + spec.fleet() + " starts with "
                + spec.capacity() + " healthy instances of a stand-in revision "
                + before.revision() + " (drifted from the declared one)"));
        ReconcileHandle handle = engine.reconcile(spec);
        ReconcileReport report = handle.await();
        view.finish();
        report.findings().forEach(f -> out.println("finding: " + f.instanceId() + " "
            + f.kind() + ": " + f.reason() + "; " + f.remedy() + " " + f.outcome()));
        out.println(report.summary());
        return report.isComplete() || spec.dryRun() ? ExitCode.OK.code()
            : ExitCode.FAILED.code();
      }
    }
  }
}
