package dev.molt.engine;

import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Lets Failsafe wait on Molt's scheduler, so retries and timeouts follow virtual time. */
final class FailsafeScheduler implements dev.failsafe.spi.Scheduler {
  private final Scheduler scheduler;

  FailsafeScheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
    Task task = new Task(callable);
    task.cancellable = scheduler.schedule(task, Duration.ofNanos(unit.toNanos(delay)));
    return task;
  }

  private static final class Task extends FutureTask<Object> implements ScheduledFuture<Object> {
    volatile Cancellable cancellable = Cancellable.none();

    @SuppressWarnings("unchecked")
    Task(Callable<?> callable) {
      super((Callable<Object>) callable);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancellable.cancel();
      return super.cancel(mayInterrupt);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return 0;
    }
  }
}
