package dev.molt.cli;

import dev.molt.MoltException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code molt} command: plan, apply, watch and steer rollouts described by rollout files
 * (docs/cli.md). Run it through the {@code ./molt} launcher at the repository root, or with
 * {@code java -cp <jar and classpath> dev.molt.cli.Molt <command> ...}.
 *
 * <p>Every problem ends the command with one line on stderr, {@code molt: <what happened; what to
 * do>}, and an {@link ExitCode}; nothing is launched from bad input.
 */
@Command(name = "molt", mixinStandardHelpOptions = true, version = "molt 0.1.0-SNAPSHOT",
    description = "Rolls out new revisions beside the old ones, checks them, shifts traffic and"
        + " destroys the old: from rollout files (docs/files.md), on the in-memory simulation"
        + " (default), Docker, Kubernetes or AWS.",
    subcommands = {PlanCommand.class, ApplyCommand.class, StatusCommand.class,
        HistoryCommand.class, ControlCommands.Pause.class, ControlCommands.Resume.class,
        ControlCommands.Promote.class, ControlCommands.Abort.class, ControlCommands.Undo.class,
        ControlCommands.Retry.class, ReconcileCommand.class, TimelineCommand.class,
        CampaignCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:succeeded, or the command did what it was asked",
        "1:the rollout FAILED", "2:bad input (option, value or rollout file); nothing ran",
        "3:the rollout was ROLLED_BACK", "4:the platform or the store could not be used",
        "5:another engine holds the fleet", "6:no such rollout or fleet in the store",
        "7:the control was refused", "8:no engine answered the control in time",
        "9:the run stopped before the rollout ended"})
public final class Molt implements Runnable {

  @Spec
  private CommandSpec spec;

  private Molt() {}

  /**
   * Runs a command and exits with its {@link ExitCode}.
   *
   * @param args the command line, such as {@code apply -f rollout.yaml --simulate}
   */
  public static void main(String[] args) {
    // System.console() is there when stdin and stdout are a terminal: then the live line
    Terminal terminal = new Terminal(System.out, System.err, System.getenv(),
        System.console() != null);
    System.exit(execute(List.of(args), terminal));
  }

  /** Runs one command line; the exit status is returned, not exited with. */
  static int execute(List<String> args, Terminal terminal) {
    CommandLine line = commandLine(terminal);
    return line.execute(args.toArray(String[]::new));
  }

  static CommandLine commandLine(Terminal terminal) {
    CommandLine line = new CommandLine(new Molt(), new Factory(terminal));
    line.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler(Molt::badInput);
    line.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, terminal.err()));
    return line;
  }

  /** Without a command there is nothing to do: bad input, and the usage names the commands. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is needed: molt --help lists"
        + " them (plan, apply, status, history, pause, resume, promote, abort, undo, retry,"
        + " reconcile, timeline, campaign)");
  }

  private static int badInput(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    cmd.getErr().println("molt: " + oneLine(e.getMessage()) + " (" + name + " --help shows the"
        + " usage)");
    return ExitCode.BAD_INPUT.code();
  }

  private static int failed(Exception e, PrintStream err) {
    ExitCode code = Problems.exitCode(e);
    String message = e instanceof MoltException ? e.getMessage() : e.toString();
    err.println("molt: " + oneLine(message));
    return code.code();
  }

  static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** Creates commands with the terminal they print to. */
  private record Factory(Terminal terminal) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == Molt.class) {
        return type.cast(new Molt());
      }
      try {
        return type.getDeclaredConstructor(Terminal.class).newInstance(terminal);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
