package dev.molt;

/**
 * The lifecycle of an instance as Molt observes it. Providers report {@link #LAUNCHING}, {@link
 * #RUNNING}, {@link #DRAINING}, {@link #DRAINED}, {@link #FAILED} and {@link #TERMINATED}; the
 * engine refines {@code RUNNING} into {@link #HEALTHY} or {@link #UNHEALTHY} with the provider's
 * health verdict.
 */
public enum InstanceState {
  /** Asked for; not yet running. */
  LAUNCHING,
  /** Running; health not yet judged. */
  RUNNING,
  /** Running and passing its health check. */
  HEALTHY,
  /** Running and failing its health check. */
  UNHEALTHY,
  /** Taken out of traffic; in-flight requests are finishing. */
  DRAINING,
  /** Out of traffic with nothing in flight: safe to terminate. */
  DRAINED,
  /** Could not be launched, or exited on its own. Never comes back. */
  FAILED,
  /** Gone. */
  TERMINATED;

  /** @return true for states in which the instance still exists and costs capacity */
  public boolean isAlive() {
    return this != TERMINATED;
  }

  /** @return true for {@link #DRAINING} and {@link #DRAINED} */
  public boolean isDraining() {
    return this == DRAINING || this == DRAINED;
  }
}
