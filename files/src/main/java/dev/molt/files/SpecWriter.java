package dev.molt.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.gate.Analysis;
import dev.molt.gate.CanaryScore;
import dev.molt.gate.Direction;
import dev.molt.gate.Gate;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.HttpProbe;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.PrometheusMetricSource;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.FailurePolicy;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.WindowEnd;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a {@link SpecFile} into the tree the file is written from: keys in the order of {@link
 * Keys}, and a value left out wherever it equals the spec's default, so a file says only what it
 * chooses. Reading the tree back gives an equal spec.
 */
final class SpecWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final String file;

  SpecWriter(String file) {
    this.file = file;
  }

  private SpecFileException fail(String path, String problem) {
    return new SpecFileException(file, 0, 0, path, problem, null);
  }

  ObjectNode write(SpecFile spec) {
    ObjectNode o = NODES.objectNode();
    o.put("apiVersion", SpecFile.API_VERSION);
    o.put("kind", spec.kind());
    if (spec instanceof RolloutFile r) {
      declarations(o, r.metricSources(), r.templates());
      rollout(o, r.spec());
    } else if (spec instanceof ReconcileFile r) {
      reconcile(o, r.spec());
    } else if (spec instanceof TemplatesFile t) {
      declarations(o, t.metricSources(), t.templates());
    }
    return o;
  }

  private void declarations(ObjectNode o, List<NamedMetricSource> sources,
      List<GateTemplate> templates) {
    if (!sources.isEmpty()) {
      ObjectNode s = o.putObject("metricSources");
      for (NamedMetricSource n : sources) {
        if (!(n.source() instanceof PrometheusMetricSource p)) {
          throw fail("metricSources." + n.name(), "is not a Prometheus source, and a file can"
              + " declare only those; give it to the reader by name instead");
        }
        ObjectNode one = s.putObject(n.name());
        one.put("type", "prometheus");
        one.put("url", p.baseUri().toString());
        duration(one, "timeout", p.timeout(), Duration.ofSeconds(10));
      }
    }
    if (!templates.isEmpty()) {
      ObjectNode t = o.putObject("templates");
      templates.forEach(g -> t.set(g.name(), gate(g.gate(), "templates." + g.name())));
    }
  }

  private void rollout(ObjectNode o, RolloutSpec s) {
    o.put("fleet", s.fleet());
    o.put("capacity", s.capacity());
    o.set("target", launch(s.target()));
    if (!s.strategy().equals(RollingUpdate.defaults())) {
      o.set("strategy", strategy(s.strategy()));
    }
    if (s.onFailure() != FailurePolicy.ROLL_BACK) {
      o.put("onFailure", s.onFailure().name());
    }
    duration(o, "progressDeadline", s.progressDeadline(), Duration.ofMinutes(10));
    duration(o, "drainTimeout", s.drainTimeout(), Duration.ofSeconds(30));
    duration(o, "trafficGrace", s.trafficGrace(), Duration.ofSeconds(10));
    if (s.allowScaleToZero()) {
      o.put("allowScaleToZero", true);
    }
    if (!s.windows().isAlwaysOpen()) {
      o.set("windows", WindowsText.write(s.windows()));
    }
    if (s.atWindowEnd() != WindowEnd.FINISH) {
      o.put("atWindowEnd", s.atWindowEnd().name());
    }
  }

  private void reconcile(ObjectNode o, ReconcileSpec s) {
    o.put("fleet", s.fleet());
    o.put("capacity", s.capacity());
    o.set("declared", launch(s.declared()));
    ObjectNode rolling = rolling(NODES.objectNode(), s.rolling());
    if (!rolling.isEmpty()) {
      o.set("rolling", rolling);
    }
    duration(o, "unhealthyGrace", s.unhealthyGrace(), Duration.ofMinutes(1));
    if (s.dryRun()) {
      o.put("dryRun", true);
    }
    duration(o, "progressDeadline", s.progressDeadline(), Duration.ofMinutes(10));
    duration(o, "drainTimeout", s.drainTimeout(), Duration.ofSeconds(30));
  }

  // --- launch spec ---

  private ObjectNode launch(LaunchSpec l) {
    ObjectNode o = NODES.objectNode();
    o.set("image", image(l.image()));
    strings(o, "environment", l.environment());
    strings(o, "secrets", l.secrets());
    if (!l.ports().isEmpty()) {
      ArrayNode ports = o.putArray("ports");
      l.ports().forEach(ports::add);
    }
    o.set("healthCheck", healthCheck(l.healthCheck()));
    strings(o, "options", l.options());
    return o;
  }

  private ObjectNode image(Image i) {
    ObjectNode o = NODES.objectNode();
    o.put("reference", i.reference());
    o.put("version", i.version());
    strings(o, "labels", i.labels());
    i.base().ifPresent(b -> o.set("base", image(b)));
    i.builtAt().ifPresent(t -> o.put("builtAt", t.toString()));
    return o;
  }

  private ObjectNode healthCheck(HealthCheck h) {
    ObjectNode o = NODES.objectNode();
    o.put("type", h.kind().name().toLowerCase(Locale.ROOT));
    if (h.kind() != HealthCheck.Kind.PLATFORM) {
      o.put("port", h.port());
    }
    if (!h.path().isEmpty()) {
      o.put("path", h.path());
    }
    duration(o, "interval", h.interval(), Duration.ofSeconds(2));
    duration(o, "timeout", h.timeout(), Duration.ofSeconds(1));
    return o;
  }

  // --- strategies ---

  private ObjectNode strategy(Strategy s) {
    ObjectNode o = NODES.objectNode();
    o.put("type", s.name());
    if (s instanceof RollingUpdate r) {
      rolling(o, r);
    } else if (s instanceof BlueGreen b) {
      BlueGreen d = BlueGreen.defaults();
      b.previewSize().ifPresent(a -> o.set("previewSize", amount(a)));
      if (b.manualPromotion()) {
        o.put("manualPromotion", true);
      }
      duration(o, "promotionDelay", b.promotionDelay(), d.promotionDelay());
      b.prePromotion().ifPresent(a -> o.set("prePromotion", analysis(a, "strategy.prePromotion")));
      b.postPromotion().ifPresent(a ->
          o.set("postPromotion", analysis(a, "strategy.postPromotion")));
      duration(o, "scaleDownDelay", b.scaleDownDelay(), d.scaleDownDelay());
      duration(o, "healthyDeadline", b.healthyDeadline(), d.healthyDeadline());
    } else if (s instanceof Canary c) {
      ArrayNode steps = o.putArray("steps");
      for (int i = 0; i < c.steps().size(); i++) {
        steps.add(step(c.steps().get(i), "strategy.steps[" + i + "]"));
      }
      ObjectNode promotion = rolling(NODES.objectNode(), c.promotion());
      if (!promotion.isEmpty()) {
        o.set("promotion", promotion);
      }
    }
    return o;
  }

  private ObjectNode rolling(ObjectNode o, RollingUpdate r) {
    RollingUpdate d = RollingUpdate.defaults();
    if (!r.maxSurge().equals(d.maxSurge())) {
      o.set("maxSurge", amount(r.maxSurge()));
    }
    if (!r.maxUnavailable().equals(d.maxUnavailable())) {
      o.set("maxUnavailable", amount(r.maxUnavailable()));
    }
    duration(o, "minReadyTime", r.minReadyTime(), d.minReadyTime());
    duration(o, "healthyDeadline", r.healthyDeadline(), d.healthyDeadline());
    integer(o, "maxReplacements", r.maxReplacements(), d.maxReplacements());
    r.zones().ifPresent(z -> {
      ZonalRollout zd = ZonalRollout.defaults();
      ObjectNode zones = o.putObject("zones");
      duration(zones, "bake", z.bake(), zd.bake());
      if (!z.minHealthyPerZone().equals(zd.minHealthyPerZone())) {
        zones.set("minHealthyPerZone", amount(z.minHealthyPerZone()));
      }
    });
    return o;
  }

  private JsonNode step(CanaryStep step, String path) {
    ObjectNode o = NODES.objectNode();
    if (step instanceof CanaryStep.SetWeight w) {
      o.put("setWeight", w.percent());
    } else if (step instanceof CanaryStep.Pause p) {
      if (p.duration().isEmpty()) {
        return NODES.textNode("pauseUntilResumed");
      }
      o.put("pause", text(p.duration().get(), path + ".pause"));
    } else if (step instanceof CanaryStep.SetScale s) {
      if (s.amount().isEmpty()) {
        return NODES.textNode("matchTrafficScale");
      }
      o.set("setScale", amount(s.amount().get()));
    } else if (step instanceof CanaryStep.Analyze a) {
      String key = a.freshBaseline() ? "analyzeWithFreshBaseline" : "analyze";
      o.set(key, analysis(a.analysis(), path + "." + key));
    }
    return o;
  }

  // --- analyses and gates ---

  private ObjectNode analysis(Analysis a, String path) {
    ObjectNode o = NODES.objectNode();
    if (a.gate() instanceof GateTemplate t) {
      o.put("template", t.name());
    } else {
      o.set("gate", gate(a.gate(), path + ".gate"));
    }
    Analysis d = Analysis.of(a.gate());
    integer(o, "count", a.count(), d.count());
    duration(o, "interval", a.interval(), d.interval());
    integer(o, "maxFailures", a.maxFailures(), d.maxFailures());
    integer(o, "maxConsecutiveFailures", a.maxConsecutiveFailures(), d.maxConsecutiveFailures());
    integer(o, "maxInconclusive", a.maxInconclusive(), d.maxInconclusive());
    integer(o, "maxErrors", a.maxErrors(), d.maxErrors());
    if (a.onInconclusive() != d.onInconclusive()) {
      o.put("onInconclusive", a.onInconclusive().name());
    }
    duration(o, "timeout", a.timeout(), d.timeout());
    integer(o, "maxExtraMeasurements", a.maxExtraMeasurements(), d.maxExtraMeasurements());
    return o;
  }

  private ObjectNode gate(Gate gate, String path) {
    ObjectNode o = NODES.objectNode();
    if (gate instanceof GateTemplate t) {
      o.put("template", t.name());
    } else if (gate instanceof HealthyShare h) {
      o.putObject("healthyShare").put("minShare", h.minShare());
    } else if (gate instanceof HttpProbe p) {
      ObjectNode v = o.putObject("httpProbe");
      v.put("path", p.path());
      integer(v, "minStatus", p.minStatus(), 200);
      integer(v, "maxStatus", p.maxStatus(), 299);
      v.put("maxLatency", text(p.maxLatency(), path + ".httpProbe.maxLatency"));
    } else if (gate instanceof MetricComparison m) {
      o.set("metricComparison", metricComparison(m, path + ".metricComparison"));
    } else if (gate instanceof CanaryScore s) {
      ObjectNode v = o.putObject("canaryScore");
      ArrayNode metrics = v.putArray("metrics");
      for (int i = 0; i < s.metrics().size(); i++) {
        metrics.add(metricComparison(s.metrics().get(i), path + ".canaryScore.metrics[" + i + "]"));
      }
      number(v, "marginal", s.marginal(), CanaryScore.DEFAULT_MARGINAL);
      number(v, "pass", s.pass(), CanaryScore.DEFAULT_PASS);
    } else if (gate instanceof GateGroup g) {
      String key = g.all() ? "allOf" : "anyOf";
      ArrayNode list = o.putArray(key);
      for (int i = 0; i < g.gates().size(); i++) {
        list.add(gate(g.gates().get(i), path + "." + key + "[" + i + "]"));
      }
    } else {
      throw fail(path, "gate '" + gate.name() + "' (" + gate.getClass().getName() + ") has no"
          + " file form: files hold healthyShare, httpProbe, metricComparison, canaryScore,"
          + " allOf/anyOf (GateGroup) and templates (GateTemplate)");
    }
    return o;
  }

  private ObjectNode metricComparison(MetricComparison m, String path) {
    MetricComparison d = MetricComparison.builder(m.source(), m.query()).build();
    ObjectNode o = NODES.objectNode();
    if (!m.metric().equals(m.query())) {
      o.put("metric", m.metric());
    }
    if (!(m.source() instanceof NamedMetricSource n)) {
      throw fail(path + ".source", "is a " + m.source().getClass().getSimpleName() + " without a"
          + " name: a file refers to sources by name; wrap it in a NamedMetricSource");
    }
    o.put("source", n.name());
    o.put("query", m.query());
    duration(o, "window", m.window(), d.window());
    duration(o, "step", m.step(), d.step());
    if (m.direction() != Direction.INCREASE_IS_BAD) {
      o.put("direction", m.direction().name());
    }
    number(o, "tolerance", m.tolerance(), d.tolerance());
    number(o, "alpha", m.alpha(), d.alpha());
    integer(o, "minSamples", m.minSamples(), d.minSamples());
    if (m.minRequests() != 0) {
      o.put("minRequests", m.minRequests());
    }
    if (m.critical()) {
      o.put("critical", true);
    }
    number(o, "weight", m.weight(), d.weight());
    return o;
  }

  // --- values ---

  private String text(Duration d, String path) {
    if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
      throw fail(path, "a duration in a file is whole milliseconds, not negative; was " + d);
    }
    return DurationText.text(d);
  }

  private void duration(ObjectNode o, String key, Duration value, Duration byDefault) {
    if (!value.equals(byDefault)) {
      o.put(key, text(value, key));
    }
  }

  private static void integer(ObjectNode o, String key, int value, int byDefault) {
    if (value != byDefault) {
      o.put(key, value);
    }
  }

  private static void number(ObjectNode o, String key, double value, double byDefault) {
    if (Double.compare(value, byDefault) != 0) {
      o.put(key, value);
    }
  }

  private static JsonNode amount(Amount a) {
    return a.percent() ? NODES.textNode(a.value() + "%") : NODES.numberNode(a.value());
  }

  private static void strings(ObjectNode o, String key, Map<String, String> values) {
    if (!values.isEmpty()) {
      ObjectNode m = o.putObject(key);
      values.forEach(m::put);
    }
  }
}
