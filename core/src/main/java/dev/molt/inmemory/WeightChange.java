package dev.molt.inmemory;

import dev.molt.Revision;
import dev.molt.Arguments;
import java.time.Instant;
import java.util.Map;

/**
 * One call to the {@link InMemoryRouter}: the split a fleet's traffic was switched to, and when.
 *
 * @param at when, by the platform's clock
 * @param fleet the fleet
 * @param weights percent per revision, as asked
 */
public record WeightChange(Instant at, String fleet, Map<Revision, Integer> weights) {

  /** Validates and copies the fields. */
  public WeightChange {
    Arguments.required(at, "at");
    Arguments.notBlank(fleet, "fleet");
    weights = Map.copyOf(Arguments.required(weights, "weights"));
  }
}
