package dev.molt.kubernetes;

import dev.molt.MoltException;
import dev.molt.ProviderException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one place where fabric8's exceptions become {@link ProviderException}s: 409 (a concurrent
 * writer won), 408, 429 (API priority and fairness), 5xx answers, timeouts and I/O failures (API
 * server unreachable) are retryable; other 4xx answers (forbidden, invalid, not found) are not.
 */
final class KubeErrors {
  private KubeErrors() {}

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

  /** @return whether an HTTP status from the API server says that repeating may succeed */
  static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  static ProviderException translate(String operation, String resource, RuntimeException e) {
    if (e instanceof KubernetesClientTimeoutException) {
      return new ProviderException(operation, resource, true,
          "the API server did not answer in time: " + firstLine(e.getMessage()), e);
    }
    if (e instanceof KubernetesClientException ke && ke.getCode() > 0) {
      int status = ke.getCode();
      return new ProviderException(operation, resource, retryable(status),
          "the Kubernetes API server answered " + status + ": " + firstLine(reason(ke)), e);
    }
    if (causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot talk to the Kubernetes API server: " + firstLine(e.getMessage())
              + "; is the cluster up, and does the kubeconfig point at it?", e);
    }
    return new ProviderException(operation, resource, false,
        "unexpected " + e.getClass().getName() + ": " + firstLine(e.getMessage()), e);
  }

  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof InterruptedIOException
          || t instanceof TimeoutException) {
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
