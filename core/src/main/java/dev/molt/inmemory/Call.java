package dev.molt.inmemory;

import java.time.Instant;

/**
 * One SPI call the {@link InMemoryProvider} received.
 *
 * @param operation {@code launch}, {@code observe}, {@code health}, {@code drain}, {@code
 *     terminate} or {@code taint}
 * @param fleet the fleet named in the call
 * @param count instances concerned (launched, listed, judged, drained or terminated)
 * @param at when, in the provider's clock
 */
public record Call(String operation, String fleet, int count, Instant at) {}
