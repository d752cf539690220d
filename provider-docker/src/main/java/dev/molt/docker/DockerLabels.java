package dev.molt.docker;

import dev.molt.HealthCheck;
import java.time.Duration;
import java.util.Optional;

/**
 * The Docker provider's own container labels, beside the {@link dev.molt.OwnerLabels}. They make
 * every container self-describing, so that observe and health need nothing but the engine's list
 * (no memory survives a restart of the engine process).
 */
final class DockerLabels {
  /** The launch request key that created the container (idempotent launch). */
  static final String LAUNCH_KEY = "molt.dev/launch-key";
  /**
   * The health check: {@code KIND PORT PATH TIMEOUT_MS INTERVAL_MS}, e.g. {@code HTTP 80 /health
   * 1000 2000} (containers of earlier versions carry no interval: the default then).
   */
  static final String HEALTH = "molt.dev/health";
  /**
   * The names (never the values) of the variables resolved from secret references, comma-separated:
   * what {@link FailureDetails} redacts from a failed container's log lines.
   */
  static final String SECRET_VARS = "molt.dev/secret-vars";
  /** The port the instance's address points at. */
  static final String PORT = "molt.dev/port";

  private DockerLabels() {}

  static String health(HealthCheck check) {
    return check.kind() + " " + check.port() + " " + (check.path().isEmpty() ? "-" : check.path())
        + " " + check.timeout().toMillis() + " " + check.interval().toMillis();
  }

  static Optional<HealthCheck> health(String label) {
    if (label == null) {
      return Optional.empty();
    }
    try {
      String[] f = label.split(" ");
      HealthCheck.Kind kind = HealthCheck.Kind.valueOf(f[0]);
      Duration timeout = Duration.ofMillis(Long.parseLong(f[3]));
      HealthCheck base = switch (kind) {
        case HTTP -> HealthCheck.http(Integer.parseInt(f[1]), f[2]);
        case TCP -> HealthCheck.tcp(Integer.parseInt(f[1]));
        case PLATFORM -> HealthCheck.platform();
      };
      HealthCheck withTimeout = base.withTimeout(timeout);
      return Optional.of(f.length > 4
          ? withTimeout.withInterval(Duration.ofMillis(Long.parseLong(f[4]))) : withTimeout);
    } catch (RuntimeException e) {
      return Optional.empty(); // edited by hand: judge by the container's state only
    }
  }
}
