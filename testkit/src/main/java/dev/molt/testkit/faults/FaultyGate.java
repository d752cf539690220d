package dev.molt.testkit.faults;

import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A gate whose metric source hangs or answers late, as {@link MetricFaults} draw per measurement
 * from a seeded source: a hung measurement's future never completes (the engine's analysis
 * timeout must end the wait), a slow one completes {@code delay} later through the engine's
 * scheduler, so virtual time stays fast and no thread is ever blocked; the rest answer at once
 * with what the wrapped gate measures. Named after the wrapped gate with a {@code faulty-} prefix
 * and its own tag, so a resumed rollout can be given it again as a live gate. Thread-safe: draws
 * are serialised.
 */
public final class FaultyGate implements Gate {
  private final Gate gate;
  private final MetricFaults faults;
  private final String name;
  private final Random random;

  private FaultyGate(Gate gate, MetricFaults faults, String tag, long seed) {
    this.gate = gate;
    this.faults = faults;
    this.name = "faulty-" + gate.name() + "-" + tag;
    this.random = new Random(seed);
  }

  /**
   * Wraps a gate.
   *
   * @param gate what each measurement measures when it answers
   * @param faults how its metric source misbehaves
   * @param tag tells this gate's name from other faulty gates' in one rollout
   * @param seed seeds every draw
   * @return the gate
   */
  public static FaultyGate wrap(Gate gate, MetricFaults faults, String tag, long seed) {
    if (gate == null || faults == null || tag == null || tag.isBlank()) {
      throw new dev.molt.InvalidSpecException("faultyGate", "gate, faults and tag are required");
    }
    return new FaultyGate(gate, faults, tag, seed);
  }

  /** @return how its metric source misbehaves */
  public MetricFaults faults() {
    return faults;
  }

  @Override
  public String name() {
    return name;
  }

  /** Measures at once, as the wrapped gate does: the blocking path never hangs. */
  @Override
  public Measurement measure(GateContext context) {
    return gate.measure(context);
  }

  /**
   * Measures as drawn: a future that never completes (hung), one completed after the drawn delay
   * on {@code scheduler} (slow), or one completed now.
   */
  @Override
  public CompletionStage<Measurement> measureAsync(GateContext context, Scheduler scheduler) {
    Draw draw = draw();
    if (draw.hung()) {
      return new CompletableFuture<>();
    }
    if (draw.delay().isZero()) {
      return CompletableFuture.completedFuture(gate.measure(context));
    }
    CompletableFuture<Measurement> late = new CompletableFuture<>();
    scheduler.schedule(() -> {
      try {
        late.complete(gate.measure(context));
      } catch (RuntimeException e) {
        late.completeExceptionally(e);
      }
    }, draw.delay());
    return late;
  }

  private synchronized Draw draw() {
    double r = random.nextDouble();
    if (r < faults.hung()) {
      return new Draw(true, Duration.ZERO);
    }
    if (r < faults.hung() + faults.slow()) {
      return new Draw(false, faults.delay().sample(random));
    }
    return new Draw(false, Duration.ZERO);
  }

  /** One measurement's fate: hung, or answered after {@code delay} (zero: at once). */
  private record Draw(boolean hung, Duration delay) {}

  @Override
  public String toString() {
    return name + "(" + faults + ")";
  }
}
