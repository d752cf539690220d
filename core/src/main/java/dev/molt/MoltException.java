package dev.molt;


/**
 * Base of every exception Molt throws. Unchecked: a caller that can act on a failure catches the
 * specific subtype ({@link InvalidSpecException}, {@link ProviderException}, {@link
 * dev.molt.rollout.RolloutFailedException}, {@link dev.molt.rollout.IllegalControlException}).
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
