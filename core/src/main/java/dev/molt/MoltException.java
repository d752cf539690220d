package dev.molt;

import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.RolloutFailedException;

/**
 * Base of every exception Molt throws. Unchecked: a caller that can act on a failure catches the
 * specific subtype ({@link InvalidSpecException}, {@link ProviderException}, {@link
 * RolloutFailedException}, {@link IllegalControlException}).
 */
public class MoltException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what happened, to what, with which value, and how to fix it
   */
  public MoltException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what happened, to what, with which value, and how to fix it
   * @param cause the underlying failure
   */
  public MoltException(String message, Throwable cause) {
    super(message, cause);
  }
}
