package dev.molt.docker;

import static dev.molt.spi.PlatformErrors.firstLine;

import com.github.dockerjava.api.exception.DockerException;
import dev.molt.ProviderException;
import dev.molt.spi.PlatformErrors;
import java.util.function.Supplier;

/**
 * The one place where docker-java's exceptions become {@link ProviderException}s: 5xx answers,
 * 408/429 and I/O failures (engine unreachable, connection reset, timeouts) are retryable, other
 * 4xx answers are not.
 */
final class DockerErrors {
  private DockerErrors() {}

  static <T> T call(String operation, String resource, Supplier<T> body) {
    return PlatformErrors.call(operation, resource, DockerErrors::translate, body);
  }

  static void run(String operation, String resource, Runnable body) {
    PlatformErrors.run(operation, resource, DockerErrors::translate, body);
  }

  static ProviderException translate(String operation, String resource, RuntimeException e) {
    if (e instanceof DockerException de) {
      int status = de.getHttpStatus();
      boolean retryable = status >= 500 || status == 408 || status == 429;
      return new ProviderException(operation, resource, retryable,
          "Docker Engine answered " + status + ": " + firstLine(e), e);
    }
    if (PlatformErrors.causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot talk to the Docker Engine: " + firstLine(e)
              + "; is it running, and does DOCKER_HOST point at it?", e);
    }
    return PlatformErrors.unexpected(operation, resource, e);
  }
}
