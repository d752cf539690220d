package dev.molt.kubernetes;

import static dev.molt.spi.PlatformErrors.firstLine;

import dev.molt.ProviderException;
import dev.molt.spi.PlatformErrors;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one place where fabric8's exceptions become {@link ProviderException}s: 409 (a concurrent
 * writer won), 408, 429 (API priority and fairness), 5xx answers, timeouts and I/O failures (API
 * server unreachable) are retryable; other 4xx answers (forbidden, invalid, not found) are not.
 */
final class KubeErrors {
  private KubeErrors() {}

  static <T> T call(String operation, String resource, Supplier<T> body) {
    return PlatformErrors.call(operation, resource, KubeErrors::translate, body);
  }

  static void run(String operation, String resource, Runnable body) {
    PlatformErrors.run(operation, resource, KubeErrors::translate, body);
  }

  /** @return whether an HTTP status from the API server says that repeating may succeed */
  static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  static ProviderException translate(String operation, String resource, RuntimeException e) {
    if (e instanceof KubernetesClientTimeoutException) {
      return new ProviderException(operation, resource, true,
          "the API server did not answer in time: " + firstLine(e), e);
    }
    if (e instanceof KubernetesClientException ke && ke.getCode() > 0) {
      int status = ke.getCode();
      return new ProviderException(operation, resource, retryable(status),
          "the Kubernetes API server answered " + status + ": " + firstLine(reason(ke)), e);
    }
    if (PlatformErrors.causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot talk to the Kubernetes API server: " + firstLine(e)
              + "; is the cluster up, and does the kubeconfig point at it?", e);
    }
    return PlatformErrors.unexpected(operation, resource, e);
  }

  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return Objects.requireNonNullElse(e.getMessage(), "");
  }
}
