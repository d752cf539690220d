package dev.molt.time;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs tasks after a delay. Molt's only source of waiting: library code never sleeps. Production
 * code uses {@link #of(ScheduledExecutorService)}; tests and simulations use {@link VirtualTime}.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once, after {@code delay}.
   *
   * @param task what to run
   * @param delay how long to wait; zero or negative means as soon as possible
   * @return a handle to call the task off
   */
  Cancellable schedule(Runnable task, Duration delay);

  /**
   * Waits for {@code future} in the way this scheduler's time passes: a real scheduler blocks the
   * caller; {@link VirtualTime} runs its queued tasks on the caller's thread until the future is
   * done.
   *
   * @param future what to wait for
   * @param <T> the result type
   * @return the result
   * @throws java.util.concurrent.CompletionException if the future failed
   */
  default <T> T await(CompletableFuture<T> future) {
    return future.join();
  }

  /**
   * Waits like {@link #await(CompletableFuture)}, but gives up as soon as {@code stuck} holds and
   * nothing but the waiting thread could ever change that. A real scheduler has other threads (a
   * person's {@code promote()} may come from one), so it simply waits; {@link VirtualTime} is
   * driven by the waiting thread alone, so it returns empty the moment {@code stuck} holds.
   *
   * @param future what to wait for
   * @param stuck checked between tasks: true when the future can only complete after a person
   *     acts
   * @param <T> the result type
   * @return the result; empty if the wait gave up
   * @throws java.util.concurrent.CompletionException if the future failed
   */
  default <T> Optional<T> awaitUnless(CompletableFuture<T> future, BooleanSupplier stuck) {
    return Optional.of(await(future));
  }

  /**
   * Runs {@code work}, which may block (an HTTP query, a metric read), off this scheduler's
   * threads, and completes the returned future with its result. A real scheduler runs it on a
   * shared pool of daemon threads; {@link VirtualTime} holds virtual time still until it returns
   * (or a real-time limit passes), so a run stays deterministic. Never blocks the caller.
   *
   * @param work the blocking work; an exception it throws fails the future
   * @param <T> the result type
   * @return the future result
   */
  default <T> CompletableFuture<T> runBlocking(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, BlockingPool.EXECUTOR);
  }

  /**
   * A scheduler backed by an executor. Molt does not shut the executor down.
   *
   * @param executor the executor that runs the tasks
   * @return the scheduler
   */
  static Scheduler of(ScheduledExecutorService executor) {
    return (task, delay) -> {
      long nanos = Math.max(0, delay.toNanos());
      var future = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}

/** The daemon threads that run blocking work for real schedulers: they never keep a JVM alive. */
final class BlockingPool {
  static final Executor EXECUTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "molt-blocking");
    t.setDaemon(true);
    return t;
  });

  private BlockingPool() {}
}
