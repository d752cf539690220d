package dev.molt.files;

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
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import dev.molt.strategy.Strategy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a {@link LocatedTree} onto the core specs, key by key as docs/files.md lists them. Values
 * the file leaves out take the specs' own defaults (their builders and {@code defaults()}), and
 * every value goes through the specs' constructors, so a file is validated by exactly the rules
 * of the Java API. One reader per file; not thread-safe.
 */
final class SpecReader {
  private final Map<String, NamedMetricSource> sources = new LinkedHashMap<>();
  private final Map<String, GateTemplate> templates = new LinkedHashMap<>();
  private final List<NamedMetricSource> declaredSources = new ArrayList<>();
  private final List<GateTemplate> declaredTemplates = new ArrayList<>();

  SpecReader(Map<String, NamedMetricSource> givenSources, List<TemplatesFile> givenTemplates) {
    sources.putAll(givenSources);
    // a templates file's own sources stay its own: its templates already hold them
    givenTemplates.forEach(t -> t.templates().forEach(g -> templates.putIfAbsent(g.name(), g)));
  }

  SpecFile read(LocatedTree tree) {
    Node root = Node.root(tree);
    if (!root.json().isObject()) {
      throw root.fail("must be an object with apiVersion and kind, was "
          + Node.describe(root.json()));
    }
    String apiVersion = root.get("apiVersion", ": write apiVersion: " + SpecFile.API_VERSION)
        .text();
    Node version = root.get("apiVersion", "");
    if (!apiVersion.equals(SpecFile.API_VERSION)) {
      throw version.fail("'" + apiVersion + "' is not a version this reader knows; it reads "
          + SpecFile.API_VERSION);
    }
    Node kind = root.get("kind", ": Rollout, Reconcile or GateTemplates");
    return switch (kind.text()) {
      case "Rollout" -> rolloutFile(root.object(Keys.ROLLOUT_FILE));
      case "Reconcile" -> new ReconcileFile(reconcile(root.object(Keys.RECONCILE_FILE)));
      case "GateTemplates" -> templatesFile(root.object(Keys.TEMPLATES_FILE));
      default -> throw kind.fail("'" + kind.text() + "' is not a kind of file; it is Rollout,"
          + " Reconcile or GateTemplates" + Suggest.didYouMean(kind.text(),
          List.of("Rollout", "Reconcile", "GateTemplates")));
    };
  }

  private RolloutFile rolloutFile(Node root) {
    declarations(root);
    return new RolloutFile(rollout(root), declaredSources, declaredTemplates);
  }

  private TemplatesFile templatesFile(Node root) {
    declarations(root);
    return new TemplatesFile(declaredSources, declaredTemplates);
  }

  private void declarations(Node root) {
    root.opt("metricSources").ifPresent(list -> list.entries().forEach((name, n) -> {
      NamedMetricSource s = metricSource(name, n);
      if (sources.put(name, s) != null) {
        throw n.fail("declares metric source '" + name + "' that is already given to the reader;"
            + " give it another name");
      }
      declaredSources.add(s);
    }));
    root.opt("templates").ifPresent(list -> list.entries().forEach((name, n) -> {
      GateTemplate t = n.buildValue(() -> new GateTemplate(name, gate(n)));
      if (templates.put(name, t) != null) {
        throw n.fail("declares template '" + name + "' that is already given to the reader;"
            + " give it another name");
      }
      declaredTemplates.add(t);
    }));
  }

  private NamedMetricSource metricSource(String name, Node n) {
    n.object(Keys.METRIC_SOURCE);
    String type = n.get("type", ": the kind of source (prometheus)").text();
    if (!type.equals("prometheus")) {
      throw n.get("type", "").fail("'" + type + "' is not a source a file can declare (it can"
          + " declare prometheus); give other sources to the reader by name"
          + Suggest.didYouMean(type, List.of("prometheus")));
    }
    Node url = n.get("url", ": where Prometheus serves, such as http://prometheus:9090");
    URI uri;
    try {
      uri = new URI(url.text());
    } catch (URISyntaxException e) {
      throw url.fail("'" + url.text() + "' is not a URL: " + e.getReason());
    }
    Duration timeout = n.opt("timeout").map(Node::duration).orElse(Duration.ofSeconds(10));
    return n.build(() -> new NamedMetricSource(name, n.build(() ->
        new PrometheusMetricSource(uri, timeout))));
  }

  // --- rollout and reconcile ---

  RolloutSpec rollout(Node n) {
    RolloutSpec.Builder b = RolloutSpec.builder(fleet(n))
        .capacity(n.get("capacity", ": how many instances should serve").integer())
        .target(launch(n.get("target", ": what every instance is launched with")));
    n.opt("strategy").ifPresent(s -> b.strategy(strategy(s)));
    n.opt("onFailure").ifPresent(v -> b.onFailure(v.enumValue(FailurePolicy.class)));
    n.opt("progressDeadline").ifPresent(v -> b.progressDeadline(v.duration()));
    n.opt("drainTimeout").ifPresent(v -> b.drainTimeout(v.duration()));
    n.opt("trafficGrace").ifPresent(v -> b.trafficGrace(v.duration()));
    n.opt("allowScaleToZero").ifPresent(v -> b.allowScaleToZero(v.bool()));
    n.opt("windows").ifPresent(v -> b.windows(WindowsText.read(v)));
    n.opt("atWindowEnd").ifPresent(v -> b.atWindowEnd(v.enumValue(WindowEnd.class)));
    return n.build(b::build);
  }

  ReconcileSpec reconcile(Node n) {
    ReconcileSpec.Builder b = ReconcileSpec.builder(fleet(n))
        .capacity(n.get("capacity", ": how many instances should serve").integer())
        .declared(launch(n.get("declared", ": what every instance should run")));
    n.opt("rolling").ifPresent(r -> b.rolling(rolling(r.object(Keys.ROLLING))));
    n.opt("unhealthyGrace").ifPresent(v -> b.unhealthyGrace(v.duration()));
    n.opt("dryRun").ifPresent(v -> b.dryRun(v.bool()));
    n.opt("progressDeadline").ifPresent(v -> b.progressDeadline(v.duration()));
    n.opt("drainTimeout").ifPresent(v -> b.drainTimeout(v.duration()));
    return n.build(b::build);
  }

  private static String fleet(Node n) {
    return n.get("fleet", ": the fleet's name, such as web").text();
  }

  // --- launch spec ---

  LaunchSpec launch(Node n) {
    n.object(Keys.LAUNCH);
    LaunchSpec.Builder b = LaunchSpec.builder(image(n.get("image",
        ": the pinned image, with reference and version")));
    n.opt("environment").ifPresent(v -> n.build(() -> b.env(v.strings())));
    n.opt("secrets").ifPresent(v -> v.strings().forEach((name, ref) ->
        n.build(() -> b.secret(name, ref))));
    n.opt("ports").ifPresent(v -> b.ports(v.list(Node::integer).toArray(Integer[]::new)));
    n.opt("healthCheck").ifPresent(v -> b.healthCheck(healthCheck(v)));
    n.opt("options").ifPresent(v -> v.strings().forEach(b::option));
    return n.build(b::build);
  }

  private Image image(Node n) {
    n.object(Keys.IMAGE);
    String reference = n.get("reference", ": a pinned reference, such as repo@sha256:<64 hex>")
        .text();
    String version = n.get("version", ": a human label for the build, such as v2").text();
    Map<String, String> labels = n.opt("labels").map(Node::strings).orElse(Map.of());
    Optional<Image> base = n.opt("base").map(this::image);
    Optional<Instant> builtAt = n.opt("builtAt").map(v -> {
      try {
        return Instant.parse(v.text());
      } catch (DateTimeParseException e) {
        throw v.fail("'" + v.text() + "' is not a UTC time such as 2026-11-30T12:00:00Z");
      }
    });
    return n.build(() -> new Image(reference, version, labels, base, builtAt));
  }

  private HealthCheck healthCheck(Node n) {
    n.object(Keys.HEALTH_CHECK);
    HealthCheck.Kind kind = n.get("type", ": http, tcp or platform")
        .enumValue(HealthCheck.Kind.class);
    int port = n.opt("port").map(Node::integer).orElse(0);
    String path = n.opt("path").map(Node::text).orElse("");
    Duration interval = n.opt("interval").map(Node::duration).orElse(Duration.ofSeconds(2));
    Duration timeout = n.opt("timeout").map(Node::duration).orElse(Duration.ofSeconds(1));
    return n.build(() -> new HealthCheck(kind, port, path, interval, timeout));
  }

  // --- strategies ---

  Strategy strategy(Node n) {
    if (!n.json().isObject()) {
      throw n.fail("must be an object with a type (rolling, blue-green or canary), was "
          + Node.describe(n.json()));
    }
    Node type = n.get("type", ": rolling, blue-green or canary");
    return switch (type.text()) {
      case "rolling" -> rolling(n.object(Keys.withType(Keys.ROLLING)));
      case "blue-green" -> blueGreen(n.object(Keys.BLUE_GREEN));
      case "canary" -> canary(n.object(Keys.CANARY));
      default -> throw type.fail("'" + type.text() + "' is not a strategy; the strategies are"
          + " rolling, blue-green and canary"
          + Suggest.didYouMean(type.text(), List.of("rolling", "blue-green", "canary")));
    };
  }

  RollingUpdate rolling(Node n) {
    RollingUpdate d = RollingUpdate.defaults();
    return n.build(() -> new RollingUpdate(
        n.opt("maxSurge").map(Node::amount).orElse(d.maxSurge()),
        n.opt("maxUnavailable").map(Node::amount).orElse(d.maxUnavailable()),
        n.opt("minReadyTime").map(Node::duration).orElse(d.minReadyTime()),
        n.opt("healthyDeadline").map(Node::duration).orElse(d.healthyDeadline()),
        n.opt("maxReplacements").map(Node::integer).orElse(d.maxReplacements()),
        n.opt("zones").map(z -> zones(z.object(Keys.ZONES)))));
  }

  private ZonalRollout zones(Node n) {
    ZonalRollout d = ZonalRollout.defaults();
    return n.build(() -> new ZonalRollout(
        n.opt("bake").map(Node::duration).orElse(d.bake()),
        n.opt("minHealthyPerZone").map(Node::amount).orElse(d.minHealthyPerZone())));
  }

  private BlueGreen blueGreen(Node n) {
    BlueGreen d = BlueGreen.defaults();
    return n.build(() -> new BlueGreen(
        n.opt("previewSize").map(Node::amount),
        n.opt("manualPromotion").map(Node::bool).orElse(d.manualPromotion()),
        n.opt("promotionDelay").map(Node::duration).orElse(d.promotionDelay()),
        n.opt("prePromotion").map(this::analysis),
        n.opt("postPromotion").map(this::analysis),
        n.opt("scaleDownDelay").map(Node::duration).orElse(d.scaleDownDelay()),
        n.opt("healthyDeadline").map(Node::duration).orElse(d.healthyDeadline())));
  }

  private Canary canary(Node n) {
    List<CanaryStep> steps = n.get("steps", ": the canary's steps, such as - setWeight: 10")
        .list(this::step);
    RollingUpdate promotion = n.opt("promotion").map(p -> rolling(p.object(Keys.ROLLING)))
        .orElse(RollingUpdate.defaults());
    return n.build(() -> new Canary(steps, promotion));
  }

  private CanaryStep step(Node n) {
    if (n.json().isTextual()) {
      return switch (n.text()) {
        case "pauseUntilResumed" -> CanaryStep.pauseUntilResumed();
        case "matchTrafficScale" -> CanaryStep.matchTrafficScale();
        default -> throw n.fail("'" + n.text() + "' is not a step without a value; those are"
            + " pauseUntilResumed and matchTrafficScale" + Suggest.didYouMean(n.text(),
            List.of("pauseUntilResumed", "matchTrafficScale")));
      };
    }
    n.object(Keys.STEPS);
    if (n.keys().size() != 1) {
      throw n.fail("must hold exactly one step (one of " + String.join(", ", Keys.STEPS)
          + "), held " + n.keys().size() + ": write each step as its own list item");
    }
    String kind = n.keys().get(0);
    Node v = n.get(kind, "");
    return switch (kind) {
      case "setWeight" -> v.buildValue(() -> CanaryStep.setWeight(v.integer()));
      case "pause" -> v.buildValue(() -> CanaryStep.pause(v.duration()));
      case "setScale" -> CanaryStep.setScale(v.amount());
      case "analyze" -> CanaryStep.analyze(analysis(v));
      case "analyzeWithFreshBaseline" -> CanaryStep.analyzeWithFreshBaseline(analysis(v));
      default -> throw new IllegalStateException("Keys.STEPS and this switch disagree: " + kind);
    };
  }

  // --- analyses and gates ---

  private Analysis analysis(Node n) {
    n.object(Keys.ANALYSIS);
    Gate gate;
    if (n.has("template") == n.has("gate")) {
      throw n.fail("needs exactly one of template (a template's name) and gate (a gate written"
          + " in place)");
    }
    if (n.has("template")) {
      gate = template(n.get("template", ""));
    } else {
      Node g = n.get("gate", "");
      if (g.json().isObject() && g.json().has("template")) {
        throw g.fail("refers to a template: write template: <name> beside count instead of"
            + " inside gate");
      }
      gate = gate(g);
    }
    Analysis d = Analysis.of(gate);
    return n.build(() -> new Analysis(gate,
        n.opt("count").map(Node::integer).orElse(d.count()),
        n.opt("interval").map(Node::duration).orElse(d.interval()),
        n.opt("maxFailures").map(Node::integer).orElse(d.maxFailures()),
        n.opt("maxConsecutiveFailures").map(Node::integer).orElse(d.maxConsecutiveFailures()),
        n.opt("maxInconclusive").map(Node::integer).orElse(d.maxInconclusive()),
        n.opt("maxErrors").map(Node::integer).orElse(d.maxErrors()),
        n.opt("onInconclusive").map(v -> v.enumValue(Analysis.OnInconclusive.class))
            .orElse(d.onInconclusive()),
        n.opt("timeout").map(Node::duration).orElse(d.timeout()),
        n.opt("maxExtraMeasurements").map(Node::integer).orElse(d.maxExtraMeasurements())));
  }

  private GateTemplate template(Node n) {
    String name = n.text();
    GateTemplate t = templates.get(name);
    if (t == null) {
      throw n.fail("names no template: '" + name + "' is neither declared above in templates nor"
          + " given to the reader" + Suggest.didYouMean(name, templates.keySet())
          + (templates.isEmpty() ? "" : "; the templates are "
              + String.join(", ", templates.keySet())));
    }
    return t;
  }

  Gate gate(Node n) {
    n.object(Keys.GATES);
    if (n.keys().size() != 1) {
      throw n.fail("must be exactly one gate (one of " + String.join(", ", Keys.GATES)
          + "), held " + n.keys().size() + ": combine gates with allOf or anyOf");
    }
    String kind = n.keys().get(0);
    Node v = n.get(kind, ": a gate");
    return switch (kind) {
      case "template" -> template(v);
      case "healthyShare" -> {
        v.object(Keys.HEALTHY_SHARE);
        yield v.build(() -> new HealthyShare(v.get("minShare",
            ": the least healthy fraction, such as 1.0").number()));
      }
      case "httpProbe" -> httpProbe(v.object(Keys.HTTP_PROBE));
      case "metricComparison" -> metricComparison(v);
      case "canaryScore" -> canaryScore(v.object(Keys.CANARY_SCORE));
      case "allOf", "anyOf" -> v.build(() -> new GateGroup(kind.equals("allOf"),
          v.list(this::gate)));
      default -> throw new IllegalStateException("Keys.GATES and this switch disagree: " + kind);
    };
  }

  private HttpProbe httpProbe(Node n) {
    String path = n.get("path", ": the path to GET, such as /health").text();
    Duration maxLatency = n.get("maxLatency", ": the longest acceptable answer, such as 500ms")
        .duration();
    int min = n.opt("minStatus").map(Node::integer).orElse(200);
    int max = n.opt("maxStatus").map(Node::integer).orElse(299);
    return n.build(() -> new HttpProbe(path, min, max, maxLatency));
  }

  private MetricComparison metricComparison(Node n) {
    n.object(Keys.METRIC_COMPARISON);
    Node source = n.get("source", ": the name of a metric source");
    NamedMetricSource s = sources.get(source.text());
    if (s == null) {
      throw source.fail("names no metric source: '" + source.text() + "' is neither declared"
          + " above in metricSources nor given to the reader"
          + Suggest.didYouMean(source.text(), sources.keySet()));
    }
    MetricComparison.Builder b = MetricComparison.builder(s, n.get("query",
        ": the query, with {revision} where the revision goes").text());
    n.opt("metric").ifPresent(v -> b.metric(v.text()));
    n.opt("window").ifPresent(v -> b.window(v.duration()));
    n.opt("step").ifPresent(v -> b.step(v.duration()));
    n.opt("direction").ifPresent(v -> b.direction(v.enumValue(Direction.class)));
    n.opt("tolerance").ifPresent(v -> b.tolerance(v.number()));
    n.opt("alpha").ifPresent(v -> b.alpha(v.number()));
    n.opt("minSamples").ifPresent(v -> b.minSamples(v.integer()));
    n.opt("minRequests").ifPresent(v -> b.minRequests(v.longValue()));
    n.opt("critical").ifPresent(v -> b.critical(v.bool()));
    n.opt("weight").ifPresent(v -> b.weight(v.number()));
    return n.build(b::build);
  }

  private CanaryScore canaryScore(Node n) {
    List<MetricComparison> metrics = n.get("metrics", ": the metric comparisons")
        .list(this::metricComparison);
    double marginal = n.opt("marginal").map(Node::number).orElse(CanaryScore.DEFAULT_MARGINAL);
    double pass = n.opt("pass").map(Node::number).orElse(CanaryScore.DEFAULT_PASS);
    return n.build(() -> new CanaryScore(metrics, marginal, pass));
  }
}
