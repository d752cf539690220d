package dev.molt.files;

import dev.molt.Arguments;
import dev.molt.rollout.RolloutSpec;
import java.util.List;

/**
 * A {@code kind: Rollout} document: the {@link RolloutSpec} it describes, and the metric sources
 * and gate templates it declares. Gates in the spec that are {@link GateTemplate}s are written as
 * references by name ({@code template: error-rate}); those among {@code templates} are declared in
 * the file too, the others must be given to the reader ({@link SpecFiles.Builder#templates}).
 *
 * @param spec the rollout
 * @param metricSources the metric sources the file declares, in file order
 * @param templates the gate templates the file declares, in file order
 */
public record RolloutFile(RolloutSpec spec, List<NamedMetricSource> metricSources,
    List<GateTemplate> templates) implements SpecFile {

  /** Validates and copies the fields. */
  public RolloutFile {
    Arguments.required(spec, "spec");
    metricSources = Arguments.copyOf(metricSources, "metricSources");
    templates = Arguments.copyOf(templates, "templates");
  }

  /**
   * A file for {@code spec} that declares every gate template and Prometheus source the spec
   * uses, so that it reads back on its own.
   *
   * @param spec the rollout
   * @return the file
   */
  public static RolloutFile of(RolloutSpec spec) {
    Uses uses = Uses.of(spec.strategy());
    return new RolloutFile(spec, uses.sources(), uses.templates());
  }

  @Override
  public String kind() {
    return "Rollout";
  }
}
