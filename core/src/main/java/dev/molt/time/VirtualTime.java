package dev.molt.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Time that passes only when the test (or simulation) says so: a {@link Clock} and a {@link
 * Scheduler} in one. Tasks run on the thread that drives the time, in due-time order (ties in the
 * order they were scheduled), so a run is deterministic. An hour-long canary finishes in
 * milliseconds.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread, but only one thread should drive time.
 *
 * <pre>{@code
 * VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
 * RolloutEngine engine = RolloutEngine.builder(provider).time(time).build();
 * Rollout done = engine.run(spec);              // drives virtual time until the rollout ends
 * }</pre>
 */
public final class VirtualTime implements Scheduler {
  /** A limit on tasks run by one drive call, so a task that reschedules itself at zero delay forever fails loudly instead of hanging. */
  private static final long MAX_TASKS_PER_DRIVE = 50_000_000L;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final VirtualClock clock;
  // blocking work started by runBlocking that time still waits for (guarded by this)
  private final Set<Object> blocking = new HashSet<>();
  private Duration blockingLimit = Duration.ofSeconds(10);
  private Instant now;
  private long sequence;

  private VirtualTime(Instant start) {
    this.now = start;
    this.clock = new VirtualClock(this, ZoneOffset.UTC);
  }

  /** @return virtual time starting at {@code start} */
  public static VirtualTime startingAt(Instant start) {
    return new VirtualTime(start);
  }

  /** @return virtual time starting at 2026-01-01T00:00:00Z */
  public static VirtualTime create() {
    return startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** @return a clock that reads this virtual time */
  public Clock clock() {
    return clock;
  }

  /** @return the current virtual instant */
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Duration d = delay.isNegative() ? Duration.ZERO : delay;
    Task t = new Task(now.plus(d), sequence++, task);
    queue.add(t);
    return () -> {
      synchronized (VirtualTime.this) {
        queue.remove(t);
      }
    };
  }

  /**
   * Sets how long, in real time, virtual time waits for blocking work ({@link #runBlocking}) before
   * it moves on without it (default 10 s). Work that returns within the limit makes a run
   * deterministic; work that hangs (a metric source that never answers) costs at most this much
   * real time, after which time passes again and the caller's own timeout, in virtual time, ends
   * the wait.
   *
   * @param limit the real-time limit, positive
   * @return this
   */
  public VirtualTime blockingLimit(Duration limit) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("blockingLimit must be positive, was " + limit);
    }
    synchronized (this) {
      blockingLimit = limit;
    }
    return this;
  }

  /**
   * Runs {@code work} on a thread of its own while virtual time stands still: no task runs and
   * time does not move until it returned (or the {@linkplain #blockingLimit(Duration) limit}
   * passed), and its result completes the future in a task due at the virtual instant it
   * returned, in order with the others.
   */
  @Override
  public <T> CompletableFuture<T> runBlocking(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Object token = new Object();
    synchronized (this) {
      blocking.add(token);
    }
    Thread worker = new Thread(() -> {
      Runnable complete;
      try {
        T value = work.get();
        complete = () -> result.complete(value);
      } catch (RuntimeException | Error e) {
        complete = () -> result.completeExceptionally(e);
      }
      synchronized (VirtualTime.this) {
        queue.add(new Task(now, sequence++, complete));
        blocking.remove(token);
        VirtualTime.this.notifyAll();
      }
    }, "molt-virtual-blocking");
    worker.setDaemon(true);
    worker.start();
    return result;
  }

  /** @return how many tasks are waiting */
  public synchronized int pendingTasks() {
    return queue.size();
  }

  /**
   * Moves time forward by {@code duration}, running every task that falls due on the way, at its
   * due time.
   *
   * @param duration how far to go
   */
  public void advance(Duration duration) {
    Instant until;
    synchronized (this) {
      until = now.plus(duration);
    }
    runWhile(() -> true, until);
    synchronized (this) {
      if (now.isBefore(until)) {
        now = until;
      }
    }
  }

  /** Runs the tasks that are due now, without moving time. */
  public void runDueTasks() {
    runWhile(() -> true, now());
  }

  /**
   * Runs tasks in due order, moving time to each, until {@code condition} holds.
   *
   * @param condition checked before each task
   * @param limit the latest virtual instant to reach
   * @return true if the condition holds; false if the queue ran dry or the limit was reached first
   */
  public boolean runUntil(BooleanSupplier condition, Instant limit) {
    runWhile(() -> !condition.getAsBoolean(), limit);
    return condition.getAsBoolean();
  }

  /** Runs every queued task, and those they schedule, until none is left. */
  public void runUntilIdle() {
    runWhile(() -> true, Instant.MAX);
  }

  /**
   * Drives virtual time until {@code future} completes.
   *
   * @throws IllegalStateException if no task is left and the future is still not done
   */
  @Override
  public <T> T await(CompletableFuture<T> future) {
    runWhile(() -> !future.isDone(), Instant.MAX);
    if (!future.isDone()) {
      throw new IllegalStateException("virtual time ran out of tasks at " + now()
          + " and the awaited future is not done: nothing left can complete it");
    }
    return future.join();
  }

  /** Drives virtual time until {@code future} completes, or returns empty once {@code stuck}. */
  @Override
  public <T> Optional<T> awaitUnless(CompletableFuture<T> future, BooleanSupplier stuck) {
    runWhile(() -> !future.isDone() && !stuck.getAsBoolean(), Instant.MAX);
    if (future.isDone()) {
      return Optional.of(future.join());
    }
    if (stuck.getAsBoolean()) {
      return Optional.empty();
    }
    return Optional.of(await(future));
  }

  private void runWhile(BooleanSupplier keepGoing, Instant limit) {
    long ran = 0;
    while (keepGoing.getAsBoolean()) {
      Task next;
      synchronized (this) {
        waitForBlockingWork();
        next = queue.peek();
        if (next == null || next.due.isAfter(limit)) {
          return;
        }
        queue.poll();
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.task.run();
      if (++ran > MAX_TASKS_PER_DRIVE) {
        throw new IllegalStateException("more than " + MAX_TASKS_PER_DRIVE
            + " virtual tasks in one drive: a task keeps rescheduling itself");
      }
    }
  }

  /** Holds time still while blocking work runs, up to the real-time limit. Lock held. */
  private void waitForBlockingWork() {
    if (blocking.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + blockingLimit.toNanos();
    while (!blocking.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        blocking.clear(); // given up on: time moves again; a late result still completes its future
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private record Task(Instant due, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private static final class VirtualClock extends Clock {
    private final VirtualTime time;
    private final ZoneId zone;

    VirtualClock(VirtualTime time, ZoneId zone) {
      this.time = time;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return new VirtualClock(time, z);
    }

    @Override
    public Instant instant() {
      return time.now();
    }
  }
}
