package dev.molt.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Asks again until an answer comes or a deadline passes: how a command waits on the store. */
final class Waiting {
  private static final Executor TICK = CompletableFuture.delayedExecutor(100,
      TimeUnit.MILLISECONDS);

  private Waiting() {}

  static <T> Optional<T> until(Supplier<Optional<T>> probe, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent() || System.nanoTime() - deadline >= 0) {
        return value;
      }
      CompletableFuture.runAsync(() -> { }, TICK).join();
    }
  }
}
