package dev.molt.files;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of each object of a rollout file, in the order the writer writes them: one list for
 * the reader's unknown-key check, the writer, docs/files.md and the JSON Schema (a test checks
 * that the schema names the same keys).
 */
final class Keys {
  private Keys() {}

  static final Set<String> ROLLOUT = of("fleet", "capacity", "target", "strategy", "onFailure",
      "progressDeadline", "drainTimeout", "trafficGrace", "allowScaleToZero", "windows",
      "atWindowEnd");
  static final Set<String> WINDOWS = of("zone", "weekly", "freezes");
  static final Set<String> WEEKLY = of("days", "start", "length");
  static final Set<String> FREEZE = of("from", "until", "reason");
  static final Set<String> RECONCILE = of("fleet", "capacity", "declared", "rolling",
      "unhealthyGrace", "dryRun", "progressDeadline", "drainTimeout");
  static final Set<String> HEADER = of("apiVersion", "kind");
  static final Set<String> DECLARATIONS = of("metricSources", "templates");
  static final Set<String> ROLLOUT_FILE = join(HEADER, DECLARATIONS, ROLLOUT);
  static final Set<String> RECONCILE_FILE = join(HEADER, RECONCILE);
  static final Set<String> TEMPLATES_FILE = join(HEADER, DECLARATIONS);
  static final Set<String> METRIC_SOURCE = of("type", "url", "timeout");
  static final Set<String> LAUNCH = of("image", "environment", "secrets", "ports", "healthCheck",
      "options");
  static final Set<String> IMAGE = of("reference", "version", "labels", "base", "builtAt");
  static final Set<String> HEALTH_CHECK = of("type", "port", "path", "interval", "timeout");
  static final Set<String> ROLLING = of("maxSurge", "maxUnavailable", "minReadyTime",
      "healthyDeadline", "maxReplacements", "zones");
  static final Set<String> ZONES = of("bake", "minHealthyPerZone");
  static final Set<String> BLUE_GREEN = of("type", "previewSize", "manualPromotion",
      "promotionDelay", "prePromotion", "postPromotion", "scaleDownDelay", "healthyDeadline");
  static final Set<String> CANARY = of("type", "steps", "promotion");
  static final Set<String> STEPS = of("setWeight", "pause", "setScale", "analyze",
      "analyzeWithFreshBaseline");
  static final Set<String> ANALYSIS = of("template", "gate", "count", "interval", "maxFailures",
      "maxConsecutiveFailures", "maxInconclusive", "maxErrors", "onInconclusive", "timeout",
      "maxExtraMeasurements");
  static final Set<String> GATES = of("template", "healthyShare", "httpProbe",
      "metricComparison", "canaryScore", "allOf", "anyOf");
  static final Set<String> HEALTHY_SHARE = of("minShare");
  static final Set<String> HTTP_PROBE = of("path", "minStatus", "maxStatus", "maxLatency");
  static final Set<String> METRIC_COMPARISON = of("metric", "source", "query", "window", "step",
      "direction", "tolerance", "alpha", "minSamples", "minRequests", "critical", "weight");
  static final Set<String> CANARY_SCORE = of("metrics", "marginal", "pass");

  static Set<String> withType(Set<String> keys) {
    return join(of("type"), keys);
  }

  private static Set<String> of(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }

  @SafeVarargs
  private static Set<String> join(Set<String>... sets) {
    Set<String> all = new LinkedHashSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Collections.unmodifiableSet(all);
  }
}
