package dev.molt.spi;

/** A provider's health verdict for one running instance. */
public enum Health {
  /** Passing its health check. */
  HEALTHY,
  /** Failing its health check. */
  UNHEALTHY,
  /** Not judged yet (starting, no check result so far). */
  UNKNOWN
}
