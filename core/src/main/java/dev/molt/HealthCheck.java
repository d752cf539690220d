package dev.molt;

import java.time.Duration;

/**
 * How a provider decides that an instance of a revision is healthy.
 *
 * <ul>
 *   <li>{@link Kind#HTTP}: a GET of {@code path} on {@code port} answers 2xx or 3xx;
 *   <li>{@link Kind#TCP}: a connection to {@code port} is accepted;
 *   <li>{@link Kind#PLATFORM}: the platform's own verdict (a container's HEALTHCHECK, pod
 *       readiness, load-balancer target health).
 * </ul>
 *
 * @param kind the kind of check
 * @param port the port checked; 0 for {@link Kind#PLATFORM}
 * @param path the HTTP path, empty for other kinds
 * @param interval how often the provider re-checks (default 2 s)
 * @param timeout how long one check may take (default 1 s)
 */
public record HealthCheck(Kind kind, int port, String path, Duration interval, Duration timeout) {

  /** The kind of check. */
  public enum Kind {
    /** HTTP GET, healthy on 2xx/3xx. */
    HTTP,
    /** TCP connect. */
    TCP,
    /** The platform's own health verdict. */
    PLATFORM
  }

  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** Validates the fields. */
  public HealthCheck {
    Arguments.required(kind, "kind");
    Arguments.required(path, "path");
    Arguments.positive(interval, "interval");
    Arguments.positive(timeout, "timeout");
    if (kind == Kind.PLATFORM) {
      if (port != 0) {
        throw new InvalidSpecException("port", "must be 0 for a PLATFORM check, was " + port);
      }
    } else if (port < 1 || port > 65535) {
      throw new InvalidSpecException("port", "must be in 1..65535 for a " + kind + " check, was "
          + port);
    }
    if (kind == Kind.HTTP && !path.startsWith("/")) {
      throw new InvalidSpecException("path", "must start with '/', was '" + path + "'");
    }
    if (kind != Kind.HTTP && !path.isEmpty()) {
      throw new InvalidSpecException("path", "is only meaningful for HTTP checks");
    }
  }

  /** @return an HTTP check of {@code path} on {@code port} with default interval and timeout */
  public static HealthCheck http(int port, String path) {
    return new HealthCheck(Kind.HTTP, port, path, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }

  /** @return a TCP connect check on {@code port} */
  public static HealthCheck tcp(int port) {
    return new HealthCheck(Kind.TCP, port, "", DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }

  /** @return a check that trusts the platform's own health verdict */
  public static HealthCheck platform() {
    return new HealthCheck(Kind.PLATFORM, 0, "", DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }

  /** @return a copy with another interval */
  public HealthCheck withInterval(Duration newInterval) {
    return new HealthCheck(kind, port, path, newInterval, timeout);
  }

  /** @return a copy with another timeout */
  public HealthCheck withTimeout(Duration newTimeout) {
    return new HealthCheck(kind, port, path, interval, newTimeout);
  }
}
