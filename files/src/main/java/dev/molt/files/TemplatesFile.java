package dev.molt.files;

import dev.molt.Arguments;
import java.util.List;
import java.util.Optional;

/**
 * A {@code kind: GateTemplates} document: gate templates (and the metric sources they use)
 * shared by several rollout files, given to the reader with {@link SpecFiles.Builder#templates}.
 *
 * @param metricSources the metric sources the file declares, in file order
 * @param templates the gate templates, in file order, their names distinct
 */
public record TemplatesFile(List<NamedMetricSource> metricSources, List<GateTemplate> templates)
    implements SpecFile {

  /** Validates and copies the fields. */
  public TemplatesFile {
    metricSources = Arguments.copyOf(metricSources, "metricSources");
    templates = Arguments.copyOf(templates, "templates");
  }

  /**
   * @param name a template name
   * @return the template of that name, if declared here
   */
  public Optional<GateTemplate> template(String name) {
    return templates.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  @Override
  public String kind() {
    return "GateTemplates";
  }
}
