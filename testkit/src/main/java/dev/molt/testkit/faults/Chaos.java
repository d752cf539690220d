package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The faults of a {@link Schedule} beyond the platform's calls and new instances ({@link
 * FaultPlan}): hung and slow metric sources, old instances that flap or are lost, a new revision
 * that fails after it took the traffic, a person at the controls, and whether the schedule runs a
 * reconcile instead of a rollout.
 *
 * @param metrics how the analyses' metric sources misbehave
 * @param oldFlapShare the fraction of the old revision's instances that flap
 * @param oldFlapPeriod their spells' length
 * @param losses when (after the start) the platform loses an old instance, one each
 * @param sabotage when and how much of the new revision fails after the switch; empty for never
 * @param controls what a {@link Person} does, each once; empty for nobody
 * @param pauseLength how long the person leaves any pause before resuming it
 * @param reconcile run a reconcile of tainted or drifted instances instead; empty for a rollout
 */
public record Chaos(
    MetricFaults metrics,
    double oldFlapShare,
    Duration oldFlapPeriod,
    List<Duration> losses,
    Optional<Sabotage> sabotage,
    List<Control> controls,
    Duration pauseLength,
    Optional<Reconcile> reconcile) {

  /**
   * The new revision failing after the switch.
   *
   * @param share the fraction of its instances that fail (at least one)
   * @param delay how long after the switch
   */
  public record Sabotage(double share, Duration delay) {}

  /**
   * A reconcile schedule: the old revision deployed, {@code tainted} of its instances tainted, and
   * a reconcile declaring the old revision (or, {@code drifted}, the new one, so every instance
   * drifted), one-shot or as the first pass of a {@code continuous} reconciler.
   *
   * @param tainted how many instances are tainted
   * @param drifted whether the reconcile declares the new revision
   * @param continuous whether a continuous reconciler starts it
   */
  public record Reconcile(int tainted, boolean drifted, boolean continuous) {}

  /** Validates and copies the fields. */
  public Chaos {
    if (metrics == null || oldFlapPeriod == null || losses == null || sabotage == null
        || controls == null || pauseLength == null || reconcile == null) {
      throw new InvalidSpecException("chaos", "no field may be null");
    }
    if (!(oldFlapShare >= 0 && oldFlapShare <= 1) || oldFlapPeriod.isNegative() || oldFlapPeriod.isZero()) {
      throw new InvalidSpecException("oldFlapShare", "needs a share in 0..1 and a positive"
          + " period, was " + oldFlapShare + " " + oldFlapPeriod);
    }
    losses = List.copyOf(losses);
    controls = List.copyOf(controls);
  }

  /** @return nothing beyond the fault plan */
  public static Chaos none() {
    return new Chaos(MetricFaults.none(), 0, Duration.ofSeconds(30), List.of(), Optional.empty(),
        List.of(), Duration.ofMinutes(1), Optional.empty());
  }

  /**
   * Draws the extra faults of one schedule.
   *
   * @param random the schedule's seeded source
   * @param capacity the fleet's capacity
   * @param quietAfter when the platform's faults stop; losses and flapping come before
   * @param metrics the metric faults, drawn before the strategy (its analyses measure them)
   * @return the draw
   */
  public static Chaos draw(Random random, int capacity, Duration quietAfter,
      MetricFaults metrics) {
    double flap = random.nextInt(4) == 0 ? 0.1 + random.nextDouble() * 0.4 : 0;
    Duration period = Duration.ofSeconds(5 + random.nextInt(40));
    List<Duration> losses = new ArrayList<>();
    if (random.nextInt(4) == 0) {
      for (int n = 1 + random.nextInt(Math.max(1, capacity / 2)); n > 0; n--) {
        losses.add(Duration.ofSeconds(random.nextInt((int) quietAfter.toSeconds())));
      }
    }
    Optional<Sabotage> sabotage = random.nextInt(5) == 0
        ? Optional.of(new Sabotage(random.nextBoolean() ? 1 : random.nextDouble(),
            Duration.ofSeconds(random.nextInt(120))))
        : Optional.empty();
    List<Control> controls = new ArrayList<>();
    if (random.nextInt(4) == 0) {
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        controls.add(Control.draw(random, Duration.ofMinutes(20)));
      }
    }
    Duration pauseLength = Duration.ofSeconds(5 + random.nextInt(300));
    Optional<Reconcile> reconcile = random.nextInt(8) == 0
        ? Optional.of(new Reconcile(random.nextInt(capacity + 1), random.nextInt(3) == 0,
            random.nextBoolean()))
        : Optional.empty();
    return new Chaos(metrics, flap, period, losses, sabotage, controls, pauseLength, reconcile);
  }

  /** @return the fault classes drawn here, as the campaign's {@code classes:} line names them */
  public Set<String> classes() {
    Set<String> out = new TreeSet<>();
    if (metrics.hung() > 0) {
      out.add("hung-metrics");
    }
    if (metrics.slow() > 0) {
      out.add("slow-metrics");
    }
    if (oldFlapShare > 0) {
      out.add("old-flapping");
    }
    if (!losses.isEmpty()) {
      out.add("old-instances-lost");
    }
    sabotage.ifPresent(s -> out.add("fails-after-promotion"));
    if (!controls.isEmpty()) {
      out.add("controls");
    }
    if (controls.stream().anyMatch(c -> c.kind() == Control.Kind.PAUSE
        && c.when() == Control.When.AT_START)) {
      out.add("pause-before-start");
    }
    reconcile.ifPresent(r -> out.add("reconcile"));
    return out;
  }

  /** @return the extra time these faults may add to a run: pauses, sabotage, timed controls */
  public Duration addedTime() {
    Duration sum = sabotage.map(Sabotage::delay).orElse(Duration.ZERO);
    for (Control c : controls) {
      sum = sum.plus(pauseLength).plus(c.at());
    }
    return sum;
  }

  @Override
  public String toString() {
    return "metrics=" + metrics + " oldFlap=" + String.format("%.2f", oldFlapShare) + "/"
        + oldFlapPeriod + " losses=" + losses + " sabotage=" + sabotage.map(Object::toString)
        .orElse("none") + " controls=" + controls + " reconcile=" + reconcile.map(Object::toString)
        .orElse("none");
  }
}
