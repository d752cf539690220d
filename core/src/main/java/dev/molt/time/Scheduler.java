package dev.molt.time;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
