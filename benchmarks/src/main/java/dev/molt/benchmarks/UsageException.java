package dev.molt.benchmarks;

/** Bad command-line input: the message says which option and what was expected. */
public final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, naming the option */
  public UsageException(String message) {
    super(message);
  }
}
