package dev.molt.decide;

import java.time.Instant;
import java.util.Optional;

/** The earliest of the moments a decision must be looked at again: one accumulator for all. */
final class WakeUp {
  private Instant earliest;

  /** Wake no later than {@code at}. */
  void at(Instant at) {
    if (earliest == null || at.isBefore(earliest)) {
      earliest = at;
    }
  }

  /**
   * Wake at {@code at} if it is still to come.
   *
   * @return whether {@code at} is after {@code now}
   */
  boolean ifAfter(Instant now, Instant at) {
    if (now.isBefore(at)) {
      at(at);
      return true;
    }
    return false;
  }

  /** @return the earliest moment given, if any */
  Optional<Instant> earliest() {
    return Optional.ofNullable(earliest);
  }
}
