package dev.molt.cli;

import dev.molt.rollout.RolloutSpec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code molt apply -f rollout.yaml}: runs the rollout to its end. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Runs the rollout in the file to its end, showing its progress: a live line"
        + " with the step, traffic split and instances on a terminal, one plain line per change"
        + " otherwise. The last line is the summary: rollout <id> <PHASE>: <n>/<capacity>"
        + " instances on <revision> in <time> (wall <ms> ms).",
        "Exit status: 0 succeeded, 1 failed, 3 rolled back (molt --help lists the others)."})
final class ApplyCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin FileOptions file;
  @Mixin PlatformOptions platform;
  @Mixin StoreOptions store;

  ApplyCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    platform.kind(); // contradicting options are bad input before the file is even read
    if (store.given() && platform.virtualTime()) {
      throw new CliException(ExitCode.BAD_INPUT, "a virtual-time simulation keeps nothing in"
          + " --store (its clock and leases are not the wall clock's): add --real-time to record"
          + " it there, or drop --store");
    }
    RolloutSpec spec = file.rollout().spec();
    return new RolloutRunner(terminal, platform, store).run(spec, Optional.empty()).code();
  }
}
