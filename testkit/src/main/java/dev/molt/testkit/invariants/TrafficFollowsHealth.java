package dev.molt.testkit.invariants;

import dev.molt.Instance;
import dev.molt.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The time-bounded half of the traffic invariant: no router weight above 0 stays on a revision
 * with no healthy instance for longer than {@code bound} (the spec's traffic grace, a reaction
 * slack and one poll interval), while another revision has a healthy instance to take it. When no
 * revision has a healthy instance there is nowhere to move traffic and the clock does not run.
 * Sampled at every platform call and event while an engine drives the fleet; {@link #reset()}
 * forgets every clock (an engine crashed: nobody can react until another resumes). Not
 * thread-safe: the {@link InvariantChecker} guards it.
 */
final class TrafficFollowsHealth {
  /** The slack an engine gets to notice and react, beyond the spec's grace and one poll. */
  static final Duration REACTION_SLACK = Duration.ofSeconds(10);

  private final Duration bound;
  private final Map<Revision, Instant> brokenSince = new HashMap<>();
  private final Map<Revision, Instant> reported = new HashMap<>();

  /**
   * @param trafficGrace the spec's {@code trafficGrace}
   * @param pollInterval the engine's poll interval
   */
  TrafficFollowsHealth(Duration trafficGrace, Duration pollInterval) {
    this.bound = trafficGrace.plus(REACTION_SLACK).plus(pollInterval);
  }

  /** @return the longest weight may rest on a revision with no healthy instance */
  Duration bound() {
    return bound;
  }

  /** Forgets every running clock. */
  void reset() {
    brokenSince.clear();
  }

  /** Restarts every running clock at {@code now}: the engine's time to react starts again. */
  void restart(Instant now) {
    brokenSince.replaceAll((revision, since) -> now);
  }

  /**
   * Looks at the split and the fleet now.
   *
   * @param now the virtual instant
   * @param split the router's weights per revision
   * @param truth the owned instances, as the platform has them
   * @return a violation line, if weight rested on a revision without a healthy instance too long
   */
  Optional<String> sample(Instant now, Map<Revision, Integer> split, List<Instance> truth) {
    Optional<String> out = Optional.empty();
    for (Map.Entry<Revision, Integer> e : split.entrySet()) {
      Revision revision = e.getKey();
      boolean healthy = truth.stream().anyMatch(i -> i.revision().equals(revision)
          && i.isHealthy());
      boolean elsewhere = truth.stream().anyMatch(i -> !i.revision().equals(revision)
          && i.isHealthy());
      if (e.getValue() <= 0 || healthy || !elsewhere) {
        brokenSince.remove(revision);
        continue;
      }
      Instant since = brokenSince.computeIfAbsent(revision, r -> now);
      Duration held = Duration.between(since, now);
      if (held.compareTo(bound) > 0 && !since.equals(reported.get(revision))) {
        reported.put(revision, since);
        out = Optional.of("traffic does not follow health: " + e.getValue() + "% stayed on "
            + revision + " with no healthy instance from " + since + " for " + held + " > "
            + bound + " (trafficGrace + " + REACTION_SLACK + " reaction slack + one poll"
            + " interval), while another revision had a healthy instance; split " + split);
      }
    }
    brokenSince.keySet().removeIf(r -> !split.containsKey(r));
    return out;
  }
}
