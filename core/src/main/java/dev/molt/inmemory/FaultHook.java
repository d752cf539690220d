package dev.molt.inmemory;

import dev.molt.Revision;

/**
 * Lets a test or simulation inject faults into an {@link InMemoryProvider}: fail any platform call,
 * and choose how each new instance behaves (slow, failing, never healthy, flapping). The test kit's
 * {@code FaultInjector} implements it with seeded random schedules. Called with the provider's lock
 * held: keep it quick and do not call back into the provider. Implementations must be thread-safe.
 */
public interface FaultHook {

  /** A hook that injects nothing. */
  FaultHook NONE = new FaultHook() {};

  /**
   * Called at the start of every SPI call, after it was recorded in the call log.
   *
   * @param operation {@code launch}, {@code observe}, {@code health}, {@code drain}, {@code
   *     terminate}, {@code taint}, or {@code set-weights} (a call of the provider's router)
   * @param fleet the fleet named in the call
   * @throws dev.molt.ProviderException to make the call fail as the platform would (retryable for
   *     throttling and timeouts)
   */
  default void beforeCall(String operation, String fleet) {}

  /**
   * Chooses how one newly launched instance behaves.
   *
   * @param fleet the fleet it joins
   * @param revision its revision
   * @param scripted the behavior scripted for the revision (or the default)
   * @return the behavior it gets; {@code scripted} to change nothing
   */
  default InstanceBehavior behaviorOf(String fleet, Revision revision,
      InstanceBehavior scripted) {
    return scripted;
  }
}
