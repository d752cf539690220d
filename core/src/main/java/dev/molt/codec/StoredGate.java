package dev.molt.codec;

import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;

/**
 * A gate read back from a store. Gates are code (a metric source, a probe), so a store keeps only
 * their name. An engine resuming a rollout puts back the live gate of that name if it was given
 * one ({@code RolloutEngine.Builder#liveGate}); otherwise it measures this instead, which fails
 * safe: every measurement is an ERROR, so the pending analysis fails and the rollout
 * rolls back (or pauses, as its failure policy says) rather than promoting unjudged. Analyses that
 * had concluded before the crash are kept in the step record and are not measured again.
 *
 * @param name the stored gate's name
 */
public record StoredGate(String name) implements Gate {

  @Override
  public Measurement measure(GateContext context) {
    return Measurement.error("gate " + name + " was restored from the store by name only and"
        + " cannot measure; a resumed rollout cannot judge an analysis it had not finished");
  }
}
