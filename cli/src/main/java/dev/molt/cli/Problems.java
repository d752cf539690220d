package dev.molt.cli;

import dev.molt.FleetBusyException;
import dev.molt.InvalidSpecException;
import dev.molt.files.SpecFileException;
import dev.molt.rollout.IllegalControlException;
import dev.molt.store.FleetLockedException;
import java.util.concurrent.CompletionException;

/** Which {@link ExitCode} an exception that ends a command stands for. */
final class Problems {
  private Problems() {}

  static ExitCode exitCode(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof CliException c) {
      return c.exitCode();
    }
    if (t instanceof SpecFileException || t instanceof InvalidSpecException) {
      return ExitCode.BAD_INPUT;
    }
    if (t instanceof FleetLockedException || t instanceof FleetBusyException) {
      return ExitCode.BUSY;
    }
    if (t instanceof IllegalControlException) {
      return ExitCode.REFUSED;
    }
    // a platform or store failure (ProviderException, StoreException), or anything unforeseen
    return ExitCode.UNAVAILABLE;
  }
}
