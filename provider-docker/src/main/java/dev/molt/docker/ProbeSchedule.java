package dev.molt.docker;

import dev.molt.spi.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Honours {@link dev.molt.HealthCheck#interval()}: Molt's own probe of a container runs at most once
 * per interval, and a health call in between answers the container's last verdict. The engine may
 * poll more often than a check's interval (its poll interval is per engine, the check's per
 * revision); the check's author decides how often the server is hit.
 *
 * <p>Worked example, interval 2 s, engine polling every 500 ms: probes at 0 s (UNHEALTHY, still
 * starting), 2 s (HEALTHY), 4 s, ...; the polls at 0.5 to 1.5 s answer UNHEALTHY and those at 2.5
 * to 3.5 s HEALTHY without touching the container. Thread-safe.
 */
final class ProbeSchedule {
  private record Last(Health verdict, Instant at, String failure) {}

  private final Map<String, Last> last = new ConcurrentHashMap<>();

  /**
   * @return the verdict of the probe of {@code container} made less than {@code interval} before
   *     {@code now}; empty when a probe is due
   */
  Optional<Health> reuse(String container, Duration interval, Instant now) {
    Last l = last.get(container);
    if (l == null || !now.isBefore(l.at().plus(interval)) || now.isBefore(l.at())) {
      return Optional.empty();
    }
    return Optional.of(l.verdict());
  }

  /** Records the verdict of a probe of {@code container} started at {@code at}. */
  void record(String container, Health verdict, Instant at) {
    record(container, verdict, at, "");
  }

  /**
   * Records the verdict of a probe of {@code container} started at {@code at}, with what went
   * wrong when it failed ({@code ""} when it did not say).
   */
  void record(String container, Health verdict, Instant at, String failure) {
    last.put(container, new Last(verdict, at, failure));
  }

  /** @return what the last probe of {@code container} saw go wrong, when it failed */
  Optional<String> lastFailure(String container) {
    Last l = last.get(container);
    return l == null || l.verdict() != Health.UNHEALTHY || l.failure().isEmpty()
        ? Optional.empty() : Optional.of(l.failure());
  }

  /** Forgets {@code container} (terminated). */
  void forget(String container) {
    last.remove(container);
  }
}
