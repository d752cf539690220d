package dev.molt.files;

import dev.molt.Arguments;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.time.Scheduler;
import java.util.concurrent.CompletionStage;

/**
 * A named, reusable gate, declared once in a file's {@code templates} (as Argo Rollouts' analysis
 * templates) and referenced from analysis steps by name ({@code template: error-rate}). It
 * measures exactly as its gate does; its {@link #name()} is the template's name, so plans, logs
 * and the rollout store name the template, and a resuming engine is given it back with {@code
 * RolloutEngine.Builder#liveGate}. Immutable; thread-safe if its gate is.
 *
 * @param name the template name: lowercase letters, digits and '-'
 * @param gate what it measures
 */
public record GateTemplate(String name, Gate gate) implements Gate {

  /** Validates the fields. */
  public GateTemplate {
    Arguments.notBlank(name, "name");
    if (!name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
      throw new dev.molt.InvalidSpecException("name", "'" + name + "' must be lowercase letters,"
          + " digits and '-', starting and ending with a letter or digit");
    }
    Arguments.required(gate, "gate");
  }

  @Override
  public Measurement measure(GateContext context) {
    return gate.measure(context);
  }

  @Override
  public CompletionStage<Measurement> measureAsync(GateContext context, Scheduler scheduler) {
    return gate.measureAsync(context, scheduler);
  }
}
