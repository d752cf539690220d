package dev.molt.engine;

import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An engine's view of its scheduler, which it can close: once closed, tasks already queued do
 * nothing when they fall due and new ones are not queued, as if the process had died. Waiting
 * ({@link #await}) still follows the underlying scheduler's time.
 */
final class GatedScheduler implements Scheduler {
  private final Scheduler delegate;
  private volatile boolean open = true;

  /** @param delegate the scheduler that really runs the tasks */
  public GatedScheduler(Scheduler delegate) {
    this.delegate = delegate;
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    if (!open) {
      return Cancellable.none();
    }
    return delegate.schedule(() -> {
      if (open) {
        task.run();
      }
    }, delay);
  }

  @Override
  public <T> T await(CompletableFuture<T> future) {
    return delegate.await(future);
  }

  @Override
  public <T> Optional<T> awaitUnless(CompletableFuture<T> future, BooleanSupplier stuck) {
    return delegate.awaitUnless(future, stuck);
  }

  /** Runs blocking work through the delegate; once closed, the work is never started. */
  @Override
  public <T> CompletableFuture<T> runBlocking(Supplier<T> work) {
    if (!open) {
      return new CompletableFuture<>();
    }
    return delegate.runBlocking(work);
  }

  /** @return false once {@link #close()} was called */
  public boolean isOpen() {
    return open;
  }

  /** Stops running anything, for good. */
  public void close() {
    open = false;
  }
}
