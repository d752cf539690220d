package dev.molt.docker;

import com.github.dockerjava.api.exception.DockerException;
import dev.molt.MoltException;
import dev.molt.ProviderException;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The one place where docker-java's exceptions become {@link ProviderException}s: 5xx answers,
 * 408/429 and I/O failures (engine unreachable, connection reset, timeouts) are retryable, other
 * 4xx answers are not.
 */
final class DockerErrors {
  private DockerErrors() {}

  static <T> T call(String operation, String resource, Supplier<T> body) {
    try {
      return body.get();
    } catch (MoltException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(operation, resource, e);
    }
  }

  static void run(String operation, String resource, Runnable body) {
    call(operation, resource, () -> {
      body.run();
      return null;
    });
  }

  static ProviderException translate(String operation, String resource, RuntimeException e) {
    if (e instanceof DockerException de) {
      int status = de.getHttpStatus();
      boolean retryable = status >= 500 || status == 408 || status == 429;
      return new ProviderException(operation, resource, retryable,
          "Docker Engine answered " + status + ": " + firstLine(de.getMessage()), e);
    }
    if (causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot talk to the Docker Engine: " + firstLine(String.valueOf(e.getMessage()))
              + "; is it running, and does DOCKER_HOST point at it?", e);
    }
    return new ProviderException(operation, resource, false,
        "unexpected " + e.getClass().getName() + ": " + firstLine(String.valueOf(e.getMessage())),
        e);
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }
}
