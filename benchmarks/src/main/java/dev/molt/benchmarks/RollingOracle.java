package dev.molt.benchmarks;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The ideal makespan of a rolling update: an event-driven simulation of an oracle that obeys the
 * same limits as the engine and reacts to every change with zero delay. It shares no code with the
 * engine; it counts instances instead of observing them.
 *
 * <p>At time 0 the fleet runs {@code n} serving old instances. At every instant where something
 * happens (a new instance becomes ready, a drain ends), and at time 0, the oracle applies those
 * events and then, greedily:
 *
 * <ol>
 *   <li>launches {@code min(n - new, n + surge - total)} new instances, where {@code total} counts
 *       old serving, old draining and new (launching or ready) instances; each is ready {@code
 *       launch + healthy} later;
 *   <li>drains {@code min(oldServing, serving - (n - unavailable))} old instances, where {@code
 *       serving} counts ready new and serving old instances; each is gone {@code drain} later.
 * </ol>
 *
 * The makespan is the first instant with {@code n} ready new instances and no old one left.
 * Launching or draining earlier never delays anything later (both only free or fill the same
 * slots sooner), so the greedy schedule is the fastest one that obeys the limits; the unit tests
 * check this against an exhaustive search on small fleets.
 *
 * <p>Closed forms for the two pure cases, with {@code W = launch + healthy} and {@code D = drain}:
 * {@code unavailable = 0} gives {@code ceil(n / surge) * (W + D)}; {@code surge = 0} gives {@code
 * ceil(n / unavailable) * (D + W)}. Mixed limits overlap launches and drains and need the
 * simulation.
 *
 * <p>A second form starts with some new instances already ready beside the old ones (a canary's
 * router-less promotion); the rules are the same.
 */
public final class RollingOracle {
  private RollingOracle() {}

  /**
   * Computes the ideal makespan.
   *
   * @param n desired capacity, also the number of old instances at the start
   * @param surge resolved maxSurge (instances above {@code n} allowed)
   * @param unavailable resolved maxUnavailable (serving instances below {@code n} allowed)
   * @param latencies the fixed platform latencies
   * @return the ideal makespan; zero for an empty fleet
   * @throws IllegalArgumentException if a count is negative, or both limits are 0 for {@code n > 0}
   */
  public static Duration makespan(int n, int surge, int unavailable, Latencies latencies) {
    return makespan(n, surge, unavailable, 0, latencies);
  }

  /**
   * Computes the ideal makespan of a rolling update that starts with {@code readyNew} new
   * instances already ready beside the {@code n} old ones, as a canary's router-less promotion
   * does: the same two rules from time 0, with {@code newReady = readyNew} (so {@code total} starts
   * at {@code n + readyNew}, and no launch happens until drains bring it under {@code n + surge}).
   *
   * @param n desired capacity, also the number of old instances at the start
   * @param surge resolved maxSurge (instances above {@code n} allowed)
   * @param unavailable resolved maxUnavailable (serving instances below {@code n} allowed)
   * @param readyNew new instances ready at time 0, {@code 0..n}
   * @param latencies the fixed platform latencies
   * @return the ideal makespan; zero for an empty fleet
   * @throws IllegalArgumentException if a count is negative, {@code readyNew > n}, or both limits
   *     are 0 for {@code n > 0}
   */
  public static Duration makespan(int n, int surge, int unavailable, int readyNew,
      Latencies latencies) {
    if (n < 0 || surge < 0 || unavailable < 0 || readyNew < 0 || readyNew > n) {
      throw new IllegalArgumentException("n, surge and unavailable must be >= 0 and readyNew in"
          + " 0..n, got n=" + n + " surge=" + surge + " unavailable=" + unavailable
          + " readyNew=" + readyNew);
    }
    if (n > 0 && surge == 0 && unavailable == 0) {
      throw new IllegalArgumentException("surge and unavailable are both 0: no schedule exists");
    }
    Counts fleet = new Counts(n, surge, unavailable, readyNew, latencies);
    PriorityQueue<Event> events = new PriorityQueue<>();
    long now = 0;
    while (true) {
      while (!events.isEmpty() && events.peek().at() <= now) {
        fleet.apply(events.poll());
      }
      fleet.decide(now, events);
      if (fleet.done()) {
        return Duration.ofNanos(now);
      }
      if (events.isEmpty()) {
        throw new IllegalStateException("stuck at " + now + " ns: n=" + n + " surge=" + surge
            + " unavailable=" + unavailable + " readyNew=" + readyNew); // unreachable: limits
        // that allow no progress were refused above
      }
      now = events.peek().at();
    }
  }

  /** The fleet as counts, and the two greedy rules. */
  private static final class Counts {
    final int n;
    final int surge;
    final int unavailable;
    final long ready;
    final long drain;
    int oldServing;
    int oldDraining;
    int newPending;
    int newReady;

    Counts(int n, int surge, int unavailable, int readyNew, Latencies latencies) {
      this.n = n;
      this.surge = surge;
      this.unavailable = unavailable;
      this.ready = latencies.untilReady().toNanos();
      this.drain = latencies.drain().toNanos();
      this.oldServing = n;
      this.newReady = readyNew;
    }

    void apply(Event e) {
      if (e.ready()) {
        newPending -= e.count();
        newReady += e.count();
      } else {
        oldDraining -= e.count();
      }
    }

    /** Launch first, then drain: neither changes what limits the other, so one pass suffices. */
    void decide(long now, PriorityQueue<Event> events) {
      int total = oldServing + oldDraining + newPending + newReady;
      int launch = Math.min(n - newPending - newReady, n + surge - total);
      if (launch > 0) {
        newPending += launch;
        events.add(new Event(now + ready, true, launch));
      }
      int drainNow = Math.min(oldServing, newReady + oldServing - (n - unavailable));
      if (drainNow > 0) {
        oldServing -= drainNow;
        oldDraining += drainNow;
        events.add(new Event(now + drain, false, drainNow));
      }
    }

    boolean done() {
      return newReady == n && oldServing == 0 && oldDraining == 0;
    }
  }

  /** {@code count} instances become ready ({@code ready}) or finish draining, at {@code at}. */
  private record Event(long at, boolean ready, int count) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return Long.compare(at, o.at);
    }
  }
}
