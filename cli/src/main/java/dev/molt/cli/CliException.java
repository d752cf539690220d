package dev.molt.cli;

import dev.molt.MoltException;

/**
 * A command cannot go on: printed as one line on stderr ({@code molt: <message>}) and the
 * process exits with {@link #exitCode()}. The message says what happened and what to do.
 */
final class CliException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
