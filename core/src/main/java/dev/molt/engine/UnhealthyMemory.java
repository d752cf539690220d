package dev.molt.engine;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When each instance was first seen failing its health check, per fleet, so a reconcile can tell
 * "unhealthy for a moment" from "unhealthy past the grace period". Platforms report health, not
 * since when, so the grace clock starts at the first observation that saw the failure; it is
 * forgotten as soon as an observation sees the instance pass again (or gone). Held by the engine,
 * so passes of a continuous reconcile share it; an engine restart starts the clocks again, which
 * only delays a replacement. Thread-safe.
 */
final class UnhealthyMemory {
  private final Map<String, Map<String, Instant>> byFleet = new HashMap<>();

  /**
   * Records an observation.
   *
   * @param observed the fleet with health merged in
   * @param now the observation time
   * @return instance id to the time it was first seen unhealthy, for the instances unhealthy now
   */
  public synchronized Map<String, Instant> update(Fleet observed, Instant now) {
    Map<String, Instant> before = byFleet.getOrDefault(observed.name(), Map.of());
    Map<String, Instant> after = new HashMap<>();
    for (Instance i : observed.instances()) {
      if (i.state() == InstanceState.UNHEALTHY) {
        after.put(i.id(), before.getOrDefault(i.id(), now));
      }
    }
    byFleet.put(observed.name(), after);
    return Map.copyOf(after);
  }
}
