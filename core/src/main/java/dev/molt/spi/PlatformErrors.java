package dev.molt.spi;

import dev.molt.MoltException;
import dev.molt.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * For provider implementations: the one shape in which a platform client's unchecked exceptions
 * become {@link ProviderException}s. A provider writes only its {@link Translator} (which answers
 * are retryable on its platform) and runs every client call through {@link #call} or {@link #run};
 * Molt's own exceptions pass through unchanged. Stateless and thread-safe.
 *
 * <pre>{@code
 * List<Container> all = PlatformErrors.call("observe", "fleet " + fleet, DockerErrors::translate,
 *     () -> docker.listContainersCmd().withLabelFilter(labels).exec());
 * }</pre>
 */
public final class PlatformErrors {
  private PlatformErrors() {}

  /** Turns one platform client exception into a {@link ProviderException}. */
  @FunctionalInterface
  public interface Translator {
    /**
     * @param operation the SPI operation, such as {@code launch}
     * @param resource what it was about, such as {@code fleet web}
     * @param e what the client threw
     * @return the exception to throw, retryable when repeating the call may succeed
     */
    ProviderException translate(String operation, String resource, RuntimeException e);
  }

  /**
   * Runs a client call.
   *
   * @param operation the SPI operation, for the error
   * @param resource what it is about, for the error
   * @param translator the platform's translation of client exceptions
   * @param body the call
   * @param <T> its result
   * @return its result
   * @throws ProviderException what {@code translator} made of a client exception
   * @throws MoltException unchanged, when the body throws one
   */
  public static <T> T call(String operation, String resource, Translator translator,
      Supplier<T> body) {
    try {
      return body.get();
    } catch (MoltException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translator.translate(operation, resource, e);
    }
  }

  /**
   * Runs a client call that returns nothing; see {@link #call}.
   *
   * @param operation the SPI operation, for the error
   * @param resource what it is about, for the error
   * @param translator the platform's translation of client exceptions
   * @param body the call
   */
  public static void run(String operation, String resource, Translator translator,
      Runnable body) {
    call(operation, resource, translator, () -> {
      body.run();
      return Boolean.TRUE;
    });
  }

  /**
   * @param e an exception
   * @return whether it or a cause is an I/O failure or a timeout: the platform could not be
   *     reached or did not answer, so repeating may succeed
   */
  public static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof UncheckedIOException
          || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The fallback translation: a client exception the platform's rules do not know, not retryable.
   *
   * @param operation the SPI operation
   * @param resource what it was about
   * @param e what the client threw
   * @return {@code unexpected <class>: <first line of its message>}
   */
  public static ProviderException unexpected(String operation, String resource,
      RuntimeException e) {
    return new ProviderException(operation, resource, false,
        "unexpected " + e.getClass().getName() + ": " + firstLine(e), e);
  }

  /**
   * @param e an exception
   * @return the first line of its message, stripped; {@code (no message)} when it has none
   */
  public static String firstLine(Throwable e) {
    String message = e.getMessage();
    return message == null ? "(no message)" : firstLine(message);
  }

  /**
   * @param message a platform's message
   * @return its first line, stripped; {@code (no message)} when blank
   */
  public static String firstLine(String message) {
    String line = message.strip();
    int nl = line.indexOf('\n');
    String first = nl < 0 ? line : line.substring(0, nl).strip();
    return first.isEmpty() ? "(no message)" : first;
  }
}
