package dev.molt.testkit.invariants;

import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.inmemory.InMemoryProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the traffic weights a platform's router gives each instance, so that the {@link
 * InvariantChecker} can verify that no weight rests on an instance that is not healthy. Platforms
 * without a traffic router use {@link #NONE}; the in-memory platform uses {@link #of}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TrafficProbe {

  /** No router: no weights to check. */
  TrafficProbe NONE = fleet -> Map.of();

  /**
   * Reads the weights now.
   *
   * @param fleet the fleet name
   * @return weight per instance id; instances without weight may be absent
   */
  Map<String, Integer> weights(String fleet);

  /**
   * Reads the in-memory router's split per revision and places each revision's weight where a load
   * balancer would: on the revision's healthy instances. A revision with weight but no healthy
   * instance puts it on each of its other instances (which the checker reports as not healthy),
   * or, with no instance at all, on the pseudo id {@code <revision> (no instance)} (reported as
   * gone). Without a router (or a split never set) there is nothing to check.
   *
   * @param platform the in-memory platform
   * @return the probe
   */
  static TrafficProbe of(InMemoryProvider platform) {
    return fleet -> platform.router()
        .map(r -> spread(r.weights(fleet), platform.instances(fleet)))
        .orElse(Map.of());
  }

  private static Map<String, Integer> spread(Map<Revision, Integer> split,
      List<Instance> instances) {
    Map<String, Integer> out = new HashMap<>();
    split.forEach((revision, weight) -> {
      if (weight <= 0) {
        return;
      }
      List<Instance> of = instances.stream().filter(i -> i.revision().equals(revision)).toList();
      List<Instance> healthy = of.stream().filter(Instance::isHealthy).toList();
      (healthy.isEmpty() ? of : healthy).forEach(i -> out.put(i.id(), weight));
      if (of.isEmpty()) {
        out.put(revision + " (no instance)", weight);
      }
    });
    return out;
  }
}
