package dev.molt.gate;

import dev.molt.Arguments;
import dev.molt.time.Scheduler;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One measurement that judges a new revision: a health share, an HTTP probe, a metric comparison.
 * An {@link Analysis} repeats it and decides. A gate must not wait: it measures once and returns.
 * It may do I/O (HTTP, a metric query); it runs on the engine's scheduler. An exception thrown by
 * {@link #measure} counts as an {@link Verdict#ERROR} measurement.
 *
 * <p>Implementations must be thread-safe and immutable.
 */
public interface Gate {

  /** @return a short name for logs, such as {@code healthy-share} */
  String name();

  /**
   * Measures once.
   *
   * @param context the observed fleet and the revisions to judge
   * @return the measurement; never a pass without data
   */
  Measurement measure(GateContext context);

  /**
   * Measures once without blocking the engine: what the engine calls. The default runs {@link
   * #measure} through {@link Scheduler#runBlocking}, off the engine's threads, so a metric source
   * that hangs never stalls a rollout; the engine bounds the wait by the analysis's {@linkplain
   * Analysis#timeout() timeout} either way. Override it for a gate that is asynchronous by nature
   * (an async HTTP client, a simulated metric source that answers in virtual time).
   *
   * @param context the observed fleet and the revisions to judge
   * @param scheduler the engine's scheduler, whose time the measurement should follow
   * @return the measurement, when it is made; a failed future counts as {@link Verdict#ERROR}
   */
  default CompletionStage<Measurement> measureAsync(GateContext context, Scheduler scheduler) {
    return scheduler.runBlocking(() -> measure(context));
  }

  /**
   * A gate that passes only when all of {@code gates} pass; otherwise the worst verdict (FAIL,
   * then ERROR, INSUFFICIENT_DATA, INCONCLUSIVE).
   *
   * @param gates at least one gate
   * @return the combined gate
   * @throws dev.molt.InvalidSpecException if {@code gates} is empty or holds null
   */
  static Gate allOf(Gate... gates) {
    return new CombinedGate(true, List.of(Arguments.copyOf(List.of(gates), "gates")
        .toArray(Gate[]::new)));
  }

  /**
   * A gate that passes when any of {@code gates} passes; otherwise the most hopeful verdict
   * (INCONCLUSIVE, then INSUFFICIENT_DATA, ERROR, FAIL).
   *
   * @param gates at least one gate
   * @return the combined gate
   * @throws dev.molt.InvalidSpecException if {@code gates} is empty or holds null
   */
  static Gate anyOf(Gate... gates) {
    return new CombinedGate(false, List.of(Arguments.copyOf(List.of(gates), "gates")
        .toArray(Gate[]::new)));
  }

  /**
   * A gate from a name and a function, for a check that fits in a lambda:
   *
   * <pre>{@code
   * Gate errors = Gate.of("error-budget", ctx -> budget.remaining() > 0
   *     ? Measurement.pass("budget left") : Measurement.fail("error budget spent"));
   * }</pre>
   *
   * The function follows {@link #measure}'s rules: it measures once, never passes without data,
   * must be thread-safe, and an exception it throws counts as an {@link Verdict#ERROR}; a null
   * answer is an {@code ERROR} too.
   *
   * @param name a short name for logs
   * @param measure measures once
   * @return the gate
   * @throws dev.molt.InvalidSpecException if {@code name} is blank or {@code measure} is null
   */
  static Gate of(String name, java.util.function.Function<GateContext, Measurement> measure) {
    Arguments.notBlank(name, "name");
    Arguments.required(measure, "measure");
    return new Gate() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Measurement measure(GateContext context) {
        Measurement m = measure.apply(context);
        return m != null ? m : Measurement.error("gate " + name + " answered null");
      }

      @Override
      public String toString() {
        return "Gate[" + name + "]";
      }
    };
  }

  /**
   * A gate that always concludes {@code verdict}: for plans (where gates are assumed to pass) and
   * tests.
   *
   * @param verdict the verdict of every measurement
   * @return the gate
   */
  static Gate constant(Verdict verdict) {
    Arguments.required(verdict, "verdict");
    return new Gate() {
      @Override
      public String name() {
        return "constant-" + verdict.name().toLowerCase(java.util.Locale.ROOT);
      }

      @Override
      public Measurement measure(GateContext context) {
        return new Measurement(verdict, "constant");
      }
    };
  }
}
