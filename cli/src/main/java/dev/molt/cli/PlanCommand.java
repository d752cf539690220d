package dev.molt.cli;

import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.RolloutSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code molt plan -f rollout.yaml}: prints what the rollout would do, touching nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Prints the rollout's plan: its steps, the traffic at each, the peak instance"
        + " count, the expected duration and what a rollback at each step would cost. It reads"
        + " the fleet from the platform and changes nothing (gates are assumed to pass).")
final class PlanCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin FileOptions file;
  @Mixin PlatformOptions platform;

  PlanCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    platform.kind();
    RolloutSpec spec = file.rollout().spec();
    try (Platform p = Platform.open(platform);
        RolloutEngine engine = p.engine().pollInterval(platform.poll).build()) {
      RolloutRunner.standIn(p, spec, platform.poll).ifPresent(before -> {
        engine.remember(before);
        terminal.err().println("molt: simulated fleet " + spec.fleet() + " starts with "
            + spec.capacity() + " healthy instances of a stand-in previous revision "
            + before.revision());
      });
      terminal.out().print(engine.plan(spec).toText());
      terminal.out().flush();
      return ExitCode.OK.code();
    }
  }
}
