package dev.molt.cli;

import dev.molt.files.ReconcileFile;
import dev.molt.files.RolloutFile;
import dev.molt.files.SpecFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The rollout file a command reads ({@code -f}), and shared gate templates ({@code --templates}). */
final class FileOptions {
  @Option(names = {"-f", "--file"}, paramLabel = "<file>", required = true,
      description = "The rollout file (.yaml, .yml or .json; docs/files.md).")
  Path file;

  @Option(names = "--templates", paramLabel = "<file>",
      description = "A kind: GateTemplates file whose templates the rollout file names"
          + " (repeatable).")
  List<Path> templates = new ArrayList<>();

  /** @return the rollout file, read and validated; it throws before anything is launched */
  RolloutFile rollout() {
    return reader().readRollout(file);
  }

  /** @return the reconcile file, read and validated */
  ReconcileFile reconcile() {
    return reader().readReconcile(file);
  }

  private SpecFiles reader() {
    exists(file, "-f");
    SpecFiles.Builder b = SpecFiles.builder();
    for (Path t : templates) {
      exists(t, "--templates");
      b.templates(SpecFiles.create().readTemplates(t));
    }
    return b.build();
  }

  private static void exists(Path given, String option) {
    if (!Files.isRegularFile(given)) {
      throw new CliException(ExitCode.BAD_INPUT, given + ": no such file (" + option + " "
          + given + "); give the path of a rollout file, such as examples/rollouts/canary.yaml");
    }
  }
}
