package dev.molt.files;

import dev.molt.Arguments;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import java.util.List;

/**
 * {@link Gate#allOf} or {@link Gate#anyOf} in a form a file can be written from ({@code allOf:}
 * / {@code anyOf:} lists): it keeps its gates, and measures through the core combination.
 * Immutable; thread-safe if its gates are.
 *
 * @param all true for all-of (the worst verdict wins), false for any-of (a pass wins)
 * @param gates at least one gate
 */
public record GateGroup(boolean all, List<Gate> gates) implements Gate {

  /** Validates and copies the fields. */
  public GateGroup {
    gates = Arguments.copyOf(gates, "gates");
    if (gates.isEmpty()) {
      throw new dev.molt.InvalidSpecException("gates", "needs at least one gate");
    }
  }

  private Gate combined() {
    Gate[] each = gates.toArray(Gate[]::new);
    return all ? Gate.allOf(each) : Gate.anyOf(each);
  }

  @Override
  public String name() {
    return combined().name();
  }

  @Override
  public Measurement measure(GateContext context) {
    return combined().measure(context);
  }
}
