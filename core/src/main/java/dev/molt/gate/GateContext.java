package dev.molt.gate;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.Arguments;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a gate may look at when it measures: the fleet observed just before, which revision is new
 * and which is the baseline, and the engine's time.
 *
 * @param fleet the fleet as just observed, health merged in
 * @param canary the revision being judged
 * @param baseline the revision it is compared with (the stable one), if any
 * @param now the engine's current time; gates read time only from here
 */
public record GateContext(Fleet fleet, Revision canary, Optional<Revision> baseline, Instant now) {

  /** Validates the fields. */
  public GateContext {
    Arguments.required(fleet, "fleet");
    Arguments.required(canary, "canary");
    Arguments.optional(baseline, "baseline");
    Arguments.required(now, "now");
  }

  /** @return the live instances of the canary revision */
  public List<Instance> canaryInstances() {
    return fleet.instancesOf(canary);
  }
}
