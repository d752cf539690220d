package dev.molt.files;

import dev.molt.gate.Analysis;
import dev.molt.gate.CanaryScore;
import dev.molt.gate.Gate;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.PrometheusMetricSource;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate templates and Prometheus sources a strategy uses, each once, a template after the
 * templates it refers to, for {@link RolloutFile#of}.
 */
record Uses(List<NamedMetricSource> sources, List<GateTemplate> templates) {

  static Uses of(Strategy strategy) {
    Map<String, NamedMetricSource> sources = new LinkedHashMap<>();
    Map<String, GateTemplate> templates = new LinkedHashMap<>();
    List<Analysis> analyses = new ArrayList<>();
    if (strategy instanceof BlueGreen b) {
      b.prePromotion().ifPresent(analyses::add);
      b.postPromotion().ifPresent(analyses::add);
    } else if (strategy instanceof Canary c) {
      for (CanaryStep s : c.steps()) {
        if (s instanceof CanaryStep.Analyze a) {
          analyses.add(a.analysis());
        }
      }
    }
    analyses.forEach(a -> walk(a.gate(), sources, templates));
    return new Uses(List.copyOf(sources.values()), List.copyOf(templates.values()));
  }

  private static void walk(Gate gate, Map<String, NamedMetricSource> sources,
      Map<String, GateTemplate> templates) {
    if (gate instanceof GateTemplate t) {
      walk(t.gate(), sources, templates);
      templates.putIfAbsent(t.name(), t);
    } else if (gate instanceof GateGroup g) {
      g.gates().forEach(each -> walk(each, sources, templates));
    } else if (gate instanceof CanaryScore s) {
      s.metrics().forEach(each -> walk(each, sources, templates));
    } else if (gate instanceof MetricComparison m
        && m.source() instanceof NamedMetricSource n
        && n.source() instanceof PrometheusMetricSource) {
      sources.putIfAbsent(n.name(), n);
    }
  }
}
