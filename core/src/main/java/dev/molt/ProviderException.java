package dev.molt;

/**
 * A platform operation failed. Providers translate their platform's exceptions into this type once,
 * at their edge, saying which operation failed on which resource and whether retrying may help.
 */
public class ProviderException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final String resource;
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param operation the SPI operation that failed, such as {@code launch} or {@code observe}
   * @param resource the fleet, instance or platform object concerned
   * @param retryable whether the same call may succeed if repeated (throttling, timeouts)
   * @param message what the platform said
   * @param cause the platform's exception, or {@code null} when there is none
   */
  public ProviderException(
      String operation, String resource, boolean retryable, String message, Throwable cause) {
    super(operation + " " + resource + " failed" + (retryable ? " (retryable)" : "") + ": " + message,
        cause);
    this.operation = operation;
    this.resource = resource;
    this.retryable = retryable;
  }

  /**
   * Creates the exception without a cause.
   *
   * @param operation the SPI operation that failed
   * @param resource the fleet, instance or platform object concerned
   * @param retryable whether the same call may succeed if repeated
   * @param message what the platform said
   */
  public ProviderException(String operation, String resource, boolean retryable, String message) {
    this(operation, resource, retryable, message, null);
  }

  /** @return the SPI operation that failed */
  public String operation() {
    return operation;
  }

  /** @return the fleet, instance or platform object concerned */
  public String resource() {
    return resource;
  }

  /** @return whether the same call may succeed if repeated */
  public boolean retryable() {
    return retryable;
  }
}
