package dev.molt.decide;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for when a drain is over: the platform says the instance is drained, or the drain
 * timeout passed since it began draining. Every planner, and a paused run's housekeeping, uses
 * it. Pure. Not API.
 */
public final class Drains {
  private Drains() {}

  /** @return when {@code i}'s drain times out (meaningful for a draining instance) */
  public static Instant deadline(Instance i, Duration timeout) {
    return i.stateSince().plus(timeout);
  }

  /** @return whether {@code i} is draining and its drain is over at {@code now} */
  public static boolean isOver(Instance i, Instant now, Duration timeout) {
    return i.state().isDraining()
        && (i.state() == InstanceState.DRAINED || !now.isBefore(deadline(i, timeout)));
  }

  /** @return the instances of {@code fleet} whose drain is over, to terminate */
  public static List<Instance> over(Fleet fleet, Instant now, Duration timeout) {
    return fleet.instances().stream().filter(i -> isOver(i, now, timeout)).toList();
  }

  /** @return the earliest time a drain still running in {@code fleet} times out */
  public static Optional<Instant> nextDue(Fleet fleet, Instant now, Duration timeout) {
    return fleet.instances().stream()
        .filter(i -> i.state().isDraining() && !isOver(i, now, timeout))
        .map(i -> deadline(i, timeout)).min(Instant::compareTo);
  }
}
