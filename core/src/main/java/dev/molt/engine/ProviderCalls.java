package dev.molt.engine;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.molt.ProviderException;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs provider calls through Failsafe: retry with backoff and seeded jitter on retryable
 * failures, a timeout per attempt, all waiting on Molt's scheduler.
 */
final class ProviderCalls {
  private final FailsafeExecutor<Object> executor;
  private final BooleanSupplier alive;
  private final RetrySettings settings;
  private final Random random;

  /**
   * @param scheduler where waits happen
   * @param settings the retry policy
   * @param random the seeded source of jitter
   */
  public ProviderCalls(Scheduler scheduler, RetrySettings settings, Random random) {
    this(scheduler, settings, random, () -> true);
  }

  /**
   * @param scheduler where waits happen
   * @param settings the retry policy
   * @param random the seeded source of jitter
   * @param alive false once the engine stopped: calls are then never made and never complete
   */
  public ProviderCalls(Scheduler scheduler, RetrySettings settings, Random random,
      BooleanSupplier alive) {
    this.alive = alive;
    this.settings = settings;
    this.random = random;
    RetryPolicy<Object> retry = RetryPolicy.builder()
        .handleIf(ProviderCalls::isRetryable)
        .withMaxAttempts(settings.maxAttempts())
        .withDelayFn(ctx -> doubling(settings.initialDelay(), settings.maxDelay(),
            ctx.getAttemptCount(), settings.jitter(), random))
        .build();
    Timeout<Object> timeout = Timeout.of(settings.callTimeout());
    this.executor = Failsafe.with(retry).compose(timeout)
        .with(new FailsafeScheduler(scheduler));
  }

  /**
   * Calls {@code body} under the policy.
   *
   * @param operation the SPI operation, for error messages
   * @param resource what it concerns, for error messages
   * @param body the provider call
   * @param <T> its result type
   * @return the result, or a future failed with a {@link ProviderException}
   */
  public <T> CompletableFuture<T> call(String operation, String resource, Supplier<T> body) {
    return call(operation, resource, () -> true, body);
  }

  /**
   * Calls {@code body} under the policy, asking {@code mayAct} right before every attempt, the
   * first and each retry: a run whose lease ran out while a retry waited makes no further call.
   * When {@code mayAct} says no, the run was halted (it reported that itself), and the returned
   * future never completes, as a halted run's calls never do.
   *
   * @param operation the SPI operation, for error messages
   * @param resource what it concerns, for error messages
   * @param mayAct whether the calling run may still make a platform call
   * @param body the provider call
   * @param <T> its result type
   * @return the result, or a future failed with a {@link ProviderException}
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> call(String operation, String resource, BooleanSupplier mayAct,
      Supplier<T> body) {
    if (!alive.getAsBoolean()) {
      return new CompletableFuture<>(); // a stopped engine touches nothing, not even to fail
    }
    CompletableFuture<Object> attempt = executor.getAsync(() -> {
      if (!alive.getAsBoolean()) {
        throw new ProviderException(operation, resource, false, "the engine stopped");
      }
      if (!mayAct.getAsBoolean()) {
        throw new Halted();
      }
      return body.get();
    });
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt.whenComplete((value, error) -> {
      if (error == null) {
        result.complete((T) value);
      } else if (!(unwrap(error) instanceof Halted)) {
        result.completeExceptionally(new CompletionException(translate(operation, resource,
            unwrap(error))));
      }
    });
    return result;
  }

  /** An attempt that was not made: the run lost its lease. Never retried, never reported. */
  private static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Halted() {
      super("the run lost its lease", null, false, false);
    }
  }

  /**
   * How long a run waits before it observes again after its {@code refusals}-th refused action in
   * a row: {@code refusalDelay} doubled per refusal, capped at {@code max(maxDelay,
   * refusalDelay)}, with the settings' jitter.
   *
   * @param refusals refusals in a row so far, at least 1
   * @return the wait
   */
  public Duration refusalBackoff(int refusals) {
    Duration cap = settings.maxDelay().compareTo(settings.refusalDelay()) >= 0
        ? settings.maxDelay() : settings.refusalDelay();
    return doubling(settings.refusalDelay(), cap, refusals, settings.jitter(), random);
  }

  /** @return refusals in a row after which a step fails */
  public int maxRefusals() {
    return settings.maxRefusals();
  }

  private static boolean isRetryable(Throwable t) {
    return (t instanceof ProviderException pe && pe.retryable())
        || t instanceof TimeoutExceededException;
  }

  /** {@code first} doubled per attempt after the first, capped at {@code cap}, ±{@code jitter}. */
  private static Duration doubling(Duration first, Duration cap, int attempt, double jitter,
      Random random) {
    double base = first.toNanos() * Math.pow(2, Math.max(0, attempt - 1));
    double factor;
    synchronized (random) {
      factor = 1 + jitter * (2 * random.nextDouble() - 1);
    }
    return Duration.ofNanos((long) (Math.min(base, cap.toNanos()) * factor));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static ProviderException translate(String operation, String resource, Throwable t) {
    if (t instanceof ProviderException pe) {
      return pe;
    }
    if (t instanceof TimeoutExceededException) {
      return new ProviderException(operation, resource, true, "timed out", t);
    }
    // a provider that let something else escape has a bug; say so rather than hide it
    return new ProviderException(operation, resource, false,
        "unexpected " + t.getClass().getName() + ": " + t.getMessage(), t);
  }
}
