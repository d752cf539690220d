package dev.molt.files;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.analyzeWithFreshBaseline;
import static dev.molt.strategy.CanaryStep.matchTrafficScale;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setScale;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.gate.Analysis;
import dev.molt.gate.CanaryScore;
import dev.molt.gate.Direction;
import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.HttpProbe;
import dev.molt.gate.Measurement;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.MetricSource;
import dev.molt.gate.PrometheusMetricSource;
import dev.molt.gate.Verdict;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.FailurePolicy;
import dev.molt.rollout.WindowEnd;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Every field of every spec a file maps, set to a value other than its default, survives writing
 * and reading in both notations: the mapping is one to one.
 */
class EveryFieldRoundTripTest {
  static final NamedMetricSource PROMETHEUS = new NamedMetricSource("prom",
      new PrometheusMetricSource(URI.create("http://prometheus:9090"), Duration.ofSeconds(3)));
  static final MetricSource FIXED = query -> List.of(1.0, 2.0, 3.0);

  static LaunchSpec launch() {
    Image base = Image.of("registry.example/base@sha256:" + "b".repeat(64), "debian-12");
    Image image = Image.of("registry.example/web@sha256:" + "c".repeat(64), "build 247")
        .withLabels(Map.of("commit", "3f9c2e1", "pipeline", "42")).withBase(base)
        .withBuiltAt(Instant.parse("2026-11-30T12:00:00Z"));
    return LaunchSpec.builder(image).ports(8080, 9090).env("A", "1").env("B", "two words")
        .env("C", "true").env("D", "null").env("E", "0x1F")
        .env("F", "yes").env("G", "~").env("H", "1.5").env("I", "# not a comment").env("J", "")
        .secret("DB_PASSWORD", "vault:db/password").option("instanceType", "m7g.large")
        .healthCheck(HealthCheck.http(9090, "/ready").withInterval(Duration.ofMillis(2500))
            .withTimeout(Duration.ofMillis(300)))
        .build();
  }

  static MetricComparison everyMetricField(MetricSource source, String name) {
    return MetricComparison.builder(source, "p99{revision=\"{revision}\"}").metric(name)
        .window(Duration.ofMinutes(5)).step(Duration.ofSeconds(15))
        .direction(Direction.EITHER_IS_BAD).tolerance(0.1).alpha(0.01).minSamples(30)
        .minRequests(1000).critical(true).weight(2.5).build();
  }

  static Analysis everyAnalysisField(Gate gate) {
    return new Analysis(gate, 5, Duration.ofSeconds(90), 2, 1, 1, 3,
        Analysis.OnInconclusive.FAIL, Duration.ofSeconds(20), 4);
  }

  static RolloutSpec canary() {
    GateTemplate score = new GateTemplate("score", CanaryScore.of(
        everyMetricField(PROMETHEUS, "p99"),
        MetricComparison.builder(new NamedMetricSource("fixed", FIXED), "e{revision}").build())
        .withThresholds(60, 90));
    GateTemplate probe = new GateTemplate("probe", new HttpProbe("/smoke", 200, 399,
        Duration.ofMillis(750)));
    Gate group = new GateGroup(false, List.of(probe, new HealthyShare(0.9),
        new GateGroup(true, List.of(everyMetricField(PROMETHEUS, "inline")))));
    Canary canary = Canary.of(setScale(Amount.of(2)), setWeight(10), pause(Duration.ofMinutes(90)),
        analyzeWithFreshBaseline(everyAnalysisField(score)), matchTrafficScale(),
        setWeight(30), pauseUntilResumed(), analyze(Analysis.of(group)),
        setScale(Amount.percent(60)), setWeight(100))
        .withPromotion(new RollingUpdate(Amount.of(3), Amount.percent(10), Duration.ofSeconds(5),
            Duration.ofMinutes(7), 1));
    return RolloutSpec.builder("web").capacity(10).target(launch()).strategy(canary)
        .onFailure(FailurePolicy.STOP).progressDeadline(Duration.ofMinutes(20))
        .drainTimeout(Duration.ofSeconds(45)).trafficGrace(Duration.ofSeconds(5))
        .allowScaleToZero(true).windows(new DeploymentWindows(ZoneId.of("Europe/Berlin"),
            List.of(new DeploymentWindows.Weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0),
                    Duration.ofHours(8)),
                new DeploymentWindows.Weekly(DayOfWeek.TUESDAY, LocalTime.of(9, 0),
                    Duration.ofHours(8)),
                new DeploymentWindows.Weekly(DayOfWeek.SATURDAY, LocalTime.of(22, 30),
                    Duration.ofMinutes(90))),
            List.of(new DeploymentWindows.Freeze(Instant.parse("2026-12-20T00:00:00Z"),
                Instant.parse("2027-01-04T00:00:00Z"), "year-end freeze"))))
        .atWindowEnd(WindowEnd.PAUSE).build();
  }

  static RolloutSpec blueGreen() {
    BlueGreen b = new BlueGreen(Optional.of(Amount.percent(50)), true, Duration.ofMinutes(1),
        Optional.of(everyAnalysisField(HttpProbe.of("/smoke", Duration.ofSeconds(1)))),
        Optional.of(Analysis.of(new HealthyShare(1.0))), Duration.ofMinutes(10),
        Duration.ofMinutes(3));
    return RolloutSpec.builder("checkout").capacity(4).target(launch()).strategy(b)
        .onFailure(FailurePolicy.PAUSE).build();
  }

  static SpecFiles files() {
    return SpecFiles.builder().metricSource("fixed", FIXED).build();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aCanaryWithEveryStepAndGate(Format format) {
    RolloutFile file = RolloutFile.of(canary());

    SpecFile back = files().parse("canary", files().write(file, format), format);

    assertThat(file.templates()).extracting(GateTemplate::name).containsExactly("score", "probe");
    assertThat(file.metricSources()).containsExactly(PROMETHEUS); // fixed is the reader's
    assertThat(back).isEqualTo(file);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aBlueGreenWithEveryField(Format format) {
    RolloutFile file = RolloutFile.of(blueGreen());

    assertThat(files().parse("bg", files().write(file, format), format)).isEqualTo(file);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aReconcileWithEveryField(Format format) {
    ReconcileFile file = new ReconcileFile(ReconcileSpec.builder("web").capacity(6)
        .declared(launch()).rolling(new RollingUpdate(Amount.percent(50), Amount.of(1),
            Duration.ofSeconds(10), Duration.ofMinutes(2), 5))
        .unhealthyGrace(Duration.ofSeconds(30)).dryRun(true)
        .progressDeadline(Duration.ofMinutes(15)).drainTimeout(Duration.ofSeconds(5)).build());

    assertThat(files().parse("r", files().write(file, format), format)).isEqualTo(file);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aZonalRollingUpdateWithEveryField(Format format) {
    RollingUpdate zonal = new RollingUpdate(Amount.of(2), Amount.percent(20),
        Duration.ofSeconds(5), Duration.ofMinutes(3), 4,
        Optional.of(ZonalRollout.of(Duration.ofMinutes(10), Amount.percent(60))));
    RolloutFile file = RolloutFile.of(RolloutSpec.builder("web").capacity(9).target(launch())
        .strategy(zonal).build());

    String text = files().write(file, format);

    assertThat(text).contains("zones").contains("bake").contains("minHealthyPerZone");
    assertThat(files().parse("zonal", text, format)).isEqualTo(file);
  }

  @Test
  void zonesOfDefaultsReadAsOneZoneAtATime() {
    RolloutSpec spec = RolloutSpec.builder("web").capacity(3).target(launch())
        .strategy(RollingUpdate.defaults().withZones(ZonalRollout.defaults())).build();

    String yaml = files().write(RolloutFile.of(spec), Format.YAML);

    assertThat(yaml).contains("zones: {}");
    assertThat(((RolloutFile) files().parse("zonal", yaml, Format.YAML)).spec().strategy())
        .isEqualTo(RollingUpdate.defaults().withZones(ZonalRollout.defaults()));
  }

  @Test
  void aSpecOfDefaultsIsWrittenShort() {
    RolloutSpec spec = RolloutSpec.builder("web").capacity(3).target(LaunchSpec.builder(
        Image.of("sha256:" + "d".repeat(64), "v1")).healthCheck(HealthCheck.platform()).build())
        .build();

    assertThat(SpecFiles.create().write(RolloutFile.of(spec), Format.YAML)).isEqualTo("""
        apiVersion: molt.dev/v1
        kind: Rollout
        fleet: web
        capacity: 3
        target:
          image:
            reference: sha256:%s
            version: v1
          healthCheck:
            type: platform
        """.formatted("d".repeat(64)));
  }

  @Test
  void aGateWithoutAFileFormIsNamedWhenWriting() {
    Gate lambda = Gate.of("error-budget", ctx -> Measurement.pass("ok"));
    RolloutSpec spec = canary().toBuilder()
        .strategy(Canary.of(setWeight(10), analyze(Analysis.of(lambda)))).build();

    assertThatThrownBy(() -> SpecFiles.create().write(RolloutFile.of(spec), Format.YAML))
        .isInstanceOf(SpecFileException.class)
        .hasMessageStartingWith("<Rollout> strategy.steps[1].analyze.gate: gate 'error-budget'");
  }

  @Test
  void aSourceTheReaderWasNotGivenIsNamed() {
    String text = files().write(RolloutFile.of(canary()), Format.YAML);

    assertThatThrownBy(() -> SpecFiles.create().parse("canary.yaml", text, Format.YAML))
        .isInstanceOf(SpecFileException.class)
        .hasMessageContaining("source: names no metric source: 'fixed' is neither declared"
            + " above in metricSources nor given to the reader");
  }

  @Test
  void templatesAndGroupsMeasureAsTheirGates() {
    GateContext context = new GateContext(dev.molt.Fleet.empty("web", 1),
        new dev.molt.Revision("r-0123456789"), Optional.empty(), Instant.EPOCH);
    Gate pass = Gate.constant(Verdict.PASS);
    Gate fail = Gate.constant(Verdict.FAIL);

    assertThat(new GateTemplate("ok", pass).measure(context).verdict()).isEqualTo(Verdict.PASS);
    assertThat(new GateTemplate("ok", pass).name()).isEqualTo("ok");
    assertThat(new GateGroup(true, List.of(pass, fail)).measure(context).verdict())
        .isEqualTo(Verdict.FAIL);
    assertThat(new GateGroup(false, List.of(pass, fail)).measure(context).verdict())
        .isEqualTo(Verdict.PASS);
  }
}
