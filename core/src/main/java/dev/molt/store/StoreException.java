package dev.molt.store;

import dev.molt.MoltException;

/** A {@link RolloutStore} could not read or write, for example a file store's disk failed. */
public final class StoreException extends MoltException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed on which record or file
   * @param cause the underlying failure
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
