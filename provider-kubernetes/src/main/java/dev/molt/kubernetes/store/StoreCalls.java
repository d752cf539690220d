package dev.molt.kubernetes.store;

import dev.molt.store.StoreException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one place where fabric8's exceptions become {@link StoreException}s naming the operation,
 * the object and the namespace, and where the 409 Conflict of a compare-and-swap is told apart:
 * {@link #conflict} is not an error but the signal to read again and re-check.
 */
final class StoreCalls {
  /** How many times a compare-and-swap loop reads, checks and writes before it gives up. */
  static final int ATTEMPTS = 16;

  private final String namespace;

  StoreCalls(String namespace) {
    this.namespace = namespace;
  }

  /** @return what {@code body} returns; its API failure as a {@link StoreException} */
  <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (KubernetesClientException e) {
      throw failure(what, e);
    }
  }

  /** @return whether {@code e} is a 409: another writer changed the object, or created it first */
  static boolean conflict(KubernetesClientException e) {
    return e.getCode() == 409;
  }

  StoreException failure(String what, KubernetesClientException e) {
    String answer = e.getCode() > 0 ? "the API server answered " + e.getCode() + ": " + reason(e)
        : "cannot talk to the API server: " + reason(e);
    String hint = switch (e.getCode()) {
      case 401, 403 -> "; grant the engine's service account get, list, create and update"
          + " on configmaps and coordination.k8s.io leases in namespace " + namespace
          + " (see docs/store-kubernetes.md)";
      case 404 -> "; does namespace " + namespace + " exist?";
      case 0 -> "; is the cluster up, and does the kubeconfig point at it?";
      default -> "";
    };
    return new StoreException("cannot " + what + " in Kubernetes namespace " + namespace + ": "
        + answer + hint, e);
  }

  /** @return the failure of a compare-and-swap that lost {@link #ATTEMPTS} times in a row */
  StoreException contended(String what) {
    return new StoreException("cannot " + what + " in Kubernetes namespace " + namespace
        + ": another writer changed the object under each of " + ATTEMPTS + " attempts (409"
        + " Conflict); try again");
  }

  private static String reason(KubernetesClientException e) {
    String text = e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage() : Objects.requireNonNullElse(e.getMessage(), "");
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
