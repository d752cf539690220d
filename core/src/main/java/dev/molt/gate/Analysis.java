package dev.molt.gate;

import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A gate measured {@code count} times, {@code interval} apart (the first at once), in the engine's
 * time, and the limits that turn the measurements into one verdict. Measuring stops early as soon
 * as a limit is exceeded. The verdict is, in this order:
 *
 * <ol>
 *   <li>{@code FAIL} when failures exceed {@code maxFailures} or consecutive failures exceed
 *       {@code maxConsecutiveFailures};
 *   <li>{@code ERROR} when errors exceed {@code maxErrors};
 *   <li>{@code INSUFFICIENT_DATA} / {@code INCONCLUSIVE} (whichever was more frequent) when the
 *       two together exceed {@code maxInconclusive};
 *   <li>after the last measurement: {@code PASS} if at least one measurement passed, otherwise
 *       {@code INSUFFICIENT_DATA} — an analysis without a single pass never passes.
 * </ol>
 *
 * <p><b>Extending the bake.</b> With {@link #extendOnInsufficient(int) extendOnInsufficient(n)},
 * up to n insufficient-data measurements do not count against {@code maxInconclusive}; each of
 * them adds one more measurement, {@code interval} later, instead. A canary whose metrics lack
 * samples so bakes longer (at most {@code n × interval} longer) and is judged when the evidence is
 * there; once the n extra measurements are used up, a further insufficient-data measurement
 * counts as usual, and the verdict names the shortfall of the last one.
 *
 * @param gate what to measure
 * @param count how many measurements, at least 1 (default 1)
 * @param interval time between measurements (default 1 min)
 * @param maxFailures failing measurements tolerated (default 0)
 * @param maxConsecutiveFailures failing measurements in a row tolerated (default 0)
 * @param maxInconclusive inconclusive or insufficient-data measurements tolerated (default 0)
 * @param maxErrors measurements that could not be made, tolerated (default 0)
 * @param onInconclusive what the rollout does with an inconclusive or insufficient-data verdict
 *     (default {@link OnInconclusive#PAUSE})
 * @param timeout the longest one measurement may take, in the engine's time (default 30 s): a
 *     gate or metric source that has not answered by then gives an {@link Verdict#ERROR}
 *     measurement, and the engine no longer waits for it
 * @param maxExtraMeasurements measurements added, at most, in place of insufficient-data ones
 *     (default 0: the bake is never extended)
 */
public record Analysis(
    Gate gate,
    int count,
    Duration interval,
    int maxFailures,
    int maxConsecutiveFailures,
    int maxInconclusive,
    int maxErrors,
    OnInconclusive onInconclusive,
    Duration timeout,
    int maxExtraMeasurements) {

  /** The default {@link #timeout()} of one measurement. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** What a rollout does when an analysis neither passes nor fails. */
  public enum OnInconclusive {
    /** Pause the rollout with the reason; {@code resume()} or {@code promote()} accepts it. */
    PAUSE,
    /** Treat it as a failure (roll back, or pause, as the rollout's failure policy says). */
    FAIL
  }

  /** Validates the fields. */
  public Analysis {
    Arguments.required(gate, "gate");
    Arguments.positive(count, "count");
    Arguments.positive(interval, "interval");
    Arguments.nonNegative(maxFailures, "maxFailures");
    Arguments.nonNegative(maxConsecutiveFailures, "maxConsecutiveFailures");
    Arguments.nonNegative(maxInconclusive, "maxInconclusive");
    Arguments.nonNegative(maxErrors, "maxErrors");
    Arguments.required(onInconclusive, "onInconclusive");
    Arguments.positive(timeout, "timeout");
    Arguments.nonNegative(maxExtraMeasurements, "maxExtraMeasurements");
    if (maxFailures >= count && count > 0) {
      throw new InvalidSpecException("maxFailures", "is " + maxFailures + " but only " + count
          + " measurements are made: the analysis could never fail. Lower it or raise count");
    }
  }

  /**
   * An analysis that never extends its bake: the record of earlier versions.
   *
   * @param gate what to measure
   * @param count how many measurements, at least 1
   * @param interval time between measurements
   * @param maxFailures failing measurements tolerated
   * @param maxConsecutiveFailures failing measurements in a row tolerated
   * @param maxInconclusive inconclusive or insufficient-data measurements tolerated
   * @param maxErrors measurements that could not be made, tolerated
   * @param onInconclusive what the rollout does with an inconclusive verdict
   * @param timeout the longest one measurement may take
   * @throws InvalidSpecException naming the field that is wrong
   */
  public Analysis(Gate gate, int count, Duration interval, int maxFailures,
      int maxConsecutiveFailures, int maxInconclusive, int maxErrors,
      OnInconclusive onInconclusive, Duration timeout) {
    this(gate, count, interval, maxFailures, maxConsecutiveFailures, maxInconclusive, maxErrors,
        onInconclusive, timeout, 0);
  }

  /** @return one measurement of {@code gate}, no failures tolerated, pausing when inconclusive */
  public static Analysis of(Gate gate) {
    return new Analysis(gate, 1, Duration.ofMinutes(1), 0, 0, 0, 0, OnInconclusive.PAUSE,
        DEFAULT_TIMEOUT);
  }

  /** @return a copy measuring {@code times} times, {@code every} apart */
  public Analysis times(int times, Duration every) {
    return new Analysis(gate, times, every, maxFailures, maxConsecutiveFailures, maxInconclusive,
        maxErrors, onInconclusive, timeout, maxExtraMeasurements);
  }

  /** @return a copy tolerating this many failures in all and in a row */
  public Analysis withFailureLimits(int total, int consecutive) {
    return new Analysis(gate, count, interval, total, consecutive, maxInconclusive, maxErrors,
        onInconclusive, timeout, maxExtraMeasurements);
  }

  /** @return a copy tolerating this many inconclusive and this many error measurements */
  public Analysis withTolerance(int inconclusive, int errors) {
    return new Analysis(gate, count, interval, maxFailures, maxConsecutiveFailures, inconclusive,
        errors, onInconclusive, timeout, maxExtraMeasurements);
  }

  /** @return a copy doing {@code action} when inconclusive */
  public Analysis withOnInconclusive(OnInconclusive action) {
    return new Analysis(gate, count, interval, maxFailures, maxConsecutiveFailures,
        maxInconclusive, maxErrors, action, timeout, maxExtraMeasurements);
  }

  /** @return a copy measuring another gate under the same limits */
  public Analysis withGate(Gate other) {
    return new Analysis(other, count, interval, maxFailures, maxConsecutiveFailures,
        maxInconclusive, maxErrors, onInconclusive, timeout, maxExtraMeasurements);
  }

  /** @return a copy whose measurements time out after {@code limit} */
  public Analysis withTimeout(Duration limit) {
    return new Analysis(gate, count, interval, maxFailures, maxConsecutiveFailures,
        maxInconclusive, maxErrors, onInconclusive, limit, maxExtraMeasurements);
  }

  /**
   * A copy that extends its bake by up to {@code maxExtra} measurements while the gate reports
   * {@link Verdict#INSUFFICIENT_DATA} (see the class comment): at most {@code maxExtra × interval}
   * longer.
   *
   * @param maxExtra the most measurements added, at least 0
   * @return the copy
   * @throws InvalidSpecException if {@code maxExtra} is negative
   */
  public Analysis extendOnInsufficient(int maxExtra) {
    return new Analysis(gate, count, interval, maxFailures, maxConsecutiveFailures,
        maxInconclusive, maxErrors, onInconclusive, timeout, maxExtra);
  }

  /**
   * The longest the analysis may take before the engine ends it with {@link Verdict#ERROR}: every
   * measurement, extra ones included, taking its whole timeout, {@code (count + maxExtra - 1) *
   * interval + (count + maxExtra) * timeout}.
   *
   * @return the analysis deadline, counted from its start
   */
  public Duration deadline() {
    int most = count + maxExtraMeasurements;
    return interval.multipliedBy(most - 1L).plus(timeout.multipliedBy(most));
  }

  /**
   * @return how long a full analysis takes when no measurement is extended: {@code (count - 1) *
   *     interval}
   */
  public Duration duration() {
    return interval.multipliedBy(count - 1L);
  }

  /**
   * Judges the measurements made so far.
   *
   * @param measurements oldest first
   * @return the verdict if it is decided (a limit exceeded, or all {@code count} made); empty if
   *     measuring should go on
   */
  public Optional<Verdict> judge(List<Measurement> measurements) {
    int failures = 0;
    int consecutive = 0;
    int worstRun = 0;
    int errors = 0;
    int insufficient = 0;
    int inconclusive = 0;
    int passes = 0;
    for (Measurement m : measurements) {
      consecutive = m.verdict() == Verdict.FAIL ? consecutive + 1 : 0;
      worstRun = Math.max(worstRun, consecutive);
      switch (m.verdict()) {
        case PASS -> passes++;
        case FAIL -> failures++;
        case ERROR -> errors++;
        case INSUFFICIENT_DATA -> insufficient++;
        case INCONCLUSIVE -> inconclusive++;
      }
    }
    if (failures > maxFailures || worstRun > maxConsecutiveFailures) {
      return Optional.of(Verdict.FAIL);
    }
    if (errors > maxErrors) {
      return Optional.of(Verdict.ERROR);
    }
    int extra = Math.min(insufficient, maxExtraMeasurements); // each replaced by one more
    insufficient -= extra;
    if (insufficient + inconclusive > maxInconclusive) {
      return Optional.of(insufficient >= inconclusive
          ? Verdict.INSUFFICIENT_DATA : Verdict.INCONCLUSIVE);
    }
    if (measurements.size() < count + extra) {
      return Optional.empty();
    }
    return Optional.of(passes > 0 ? Verdict.PASS : Verdict.INSUFFICIENT_DATA);
  }
}
