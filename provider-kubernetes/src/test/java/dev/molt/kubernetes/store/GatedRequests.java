package dev.molt.kubernetes.store;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client interceptor that holds one chosen request before it is sent, until the test lets it go
 * (so the test can run another engine's writes in between), and records every answer's status.
 * Waits are latches with a bound, never sleeps.
 */
final class GatedRequests implements Interceptor {
  private final List<String> answers = new ArrayList<>();
  private volatile Predicate<HttpRequest> gate = r -> false;
  private volatile Predicate<HttpRequest> fail = r -> false;
  private volatile CountDownLatch arrived = new CountDownLatch(1);
  private volatile CountDownLatch proceed = new CountDownLatch(1);

  /** Holds the next request of {@code method} whose path contains {@code path}. */
  void holdNext(String method, String path) {
    arrived = new CountDownLatch(1);
    proceed = new CountDownLatch(1);
    gate = r -> r.method().equals(method) && r.uri().getPath().contains(path);
  }

  /**
   * Fails the next request of {@code method} whose path contains {@code path} before it is sent,
   * as a connection lost there would: the caller dies at that point, as far as the server knows.
   */
  void failNext(String method, String path) {
    fail = r -> r.method().equals(method) && r.uri().getPath().contains(path);
  }

  /** @return true once the held request arrived (within 30 s) */
  boolean awaitHeld() throws InterruptedException {
    return arrived.await(30, TimeUnit.SECONDS);
  }

  /** Sends the held request. */
  void letGo() {
    proceed.countDown();
  }

  /** @return the statuses answered to {@code method} requests whose path contains {@code path} */
  synchronized List<Integer> statuses(String method, String path) {
    List<Integer> out = new ArrayList<>();
    for (String a : answers) {
      String[] parts = a.split(" ");
      if (parts[0].equals(method) && parts[1].contains(path)) {
        out.add(Integer.parseInt(parts[2]));
      }
    }
    return out;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (fail.test(request)) {
      fail = r -> false;
      throw new KubernetesClientException("connection lost before " + request.uri().getPath());
    }
    if (gate.test(request)) {
      gate = r -> false;
      arrived.countDown();
      try {
        if (!proceed.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never let " + request.uri() + " go");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public synchronized void after(HttpRequest request, HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    answers.add(request.method() + " " + request.uri().getPath() + " " + response.code());
  }
}
