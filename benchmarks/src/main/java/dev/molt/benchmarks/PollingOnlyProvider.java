package dev.molt.benchmarks;

import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Provider;
import dev.molt.time.Cancellable;

/**
 * A provider that cannot tell the engine about changes: every call goes to the wrapped provider
 * (a {@link ForwardingProvider}: the optional calls too, the router, taint, expected latencies)
 * except {@link #watch}, which keeps the SPI's default (never calls back). The engine then learns
 * of a ready instance or a finished drain only at its next poll, as with a platform that has no
 * change notifications; everything else, the traffic router above all, stays the platform's.
 */
final class PollingOnlyProvider extends ForwardingProvider {

  PollingOnlyProvider(Provider platform) {
    super(platform);
  }

  @Override
  public String name() {
    return delegate().name() + "-polling-only";
  }

  /** Never calls back, as a platform without change notifications. */
  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return Cancellable.none();
  }
}
