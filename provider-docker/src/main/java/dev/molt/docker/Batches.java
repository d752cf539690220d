package dev.molt.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Runs the per-container calls of one batch (create + start of a launch, stop + remove of a
 * terminate) side by side, at most {@code parallelism} at once across the provider, so that a batch
 * of n containers takes about as long as its slowest container instead of the sum. The caller
 * waits for every call of its batch (each one is bounded by the client's response timeout and the
 * stop grace), so nothing is left in flight when the SPI call returns. Thread-safe.
 */
final class Batches implements AutoCloseable {
  private final ExecutorService pool;
  private final int parallelism;

  Batches(int parallelism) {
    this.parallelism = parallelism;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "molt-docker-batch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  int parallelism() {
    return parallelism;
  }

  /**
   * @return {@code body} of each item, in the items' order, once all have finished
   * @throws RuntimeException the first failure in the items' order, once all have finished
   */
  <T, R> List<R> map(List<T> items, Function<T, R> body) {
    if (items.size() <= 1) {
      return items.stream().map(body).toList(); // nothing to overlap: no thread hop
    }
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    List<CompletableFuture<R>> calls = new ArrayList<>();
    for (T item : items) {
      calls.add(CompletableFuture.supplyAsync(() -> withMdc(mdc, () -> body.apply(item)), pool));
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .exceptionally(e -> null).join();
    List<R> out = new ArrayList<>();
    for (CompletableFuture<R> call : calls) {
      try {
        out.add(call.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    return out;
  }

  private static <R> R withMdc(Map<String, String> mdc, java.util.function.Supplier<R> body) {
    Map<String, String> before = MDC.getCopyOfContextMap();
    if (mdc == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(mdc);
    }
    try {
      return body.get();
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
