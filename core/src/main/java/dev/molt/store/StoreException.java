package dev.molt.store;

import dev.molt.MoltException;

/**
 * A {@link RolloutStore} could not read or write, for example a file store's disk failed or a
 * database did not answer; or, as a {@link StaleLeaseException}, it refused a writer whose lease is
 * no longer the newest of its fleet.
 */
public class StoreException extends MoltException {
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

  /**
   * Creates the exception without a cause.
   *
   * @param message what failed on which record, and why
   */
  public StoreException(String message) {
    super(message);
  }
}
