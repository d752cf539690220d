package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad file gets one error naming the file, line, column and field path: syntax,
 * unknown keys, wrong types, missing fields, and the core specs' own validation.
 */
class FileErrorsTest {
  static final String DIGEST = "2".repeat(64);

  /** A valid canary rollout; each case replaces one line of it. */
  static final String GOOD = """
      apiVersion: molt.dev/v1
      kind: Rollout
      fleet: web
      capacity: 10
      target:
        image:
          reference: registry.example/web@sha256:%s
          version: v2
        ports:
          - 8080
        healthCheck:
          type: http
          port: 8080
          path: /health
      strategy:
        type: canary
        steps:
          - setWeight: 10
          - pause: 10m
          - setWeight: 50
          - setWeight: 100
      """.formatted(DIGEST);

  /** @return the good file with a {@code windows} block of {@code body} at its end, line 22 */
  static String windows(String body) {
    return GOOD + "windows:\n" + body;
  }

  static String with(String line, String replacement) {
    assertThat(GOOD).contains(line);
    return GOOD.replace(line, replacement);
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("a weight the core refuses, at its value",
            with("  - setWeight: 50", "  - setWeight: 150"),
            "rollout.yaml:20:18 strategy.steps[2].setWeight: must be in 0..100, was 150"),
        Arguments.of("a weight below an earlier one (the canary's own rule)",
            with("  - setWeight: 50", "  - setWeight: 5"),
            "rollout.yaml:20:18 strategy.steps[2].setWeight: must not be below the weight of"
                + " steps[0] (10%), was 5%: a canary's share only grows; to take traffic back,"
                + " abort or undo the rollout"),
        Arguments.of("an unknown key with a close one",
            with("capacity: 10", "capacty: 10"),
            "rollout.yaml:4:1 capacty: is not a key here (did you mean 'capacity'?); the keys"
                + " are allowScaleToZero, apiVersion, atWindowEnd, capacity, drainTimeout, fleet,"
                + " kind, metricSources, onFailure, progressDeadline, strategy, target,"
                + " templates, trafficGrace, windows"),
        Arguments.of("a time zone that does not exist",
            windows("  zone: Europe/Berln\n"),
            "rollout.yaml:23:9 windows.zone: 'Europe/Berln' is not a time zone: give a region id"
                + " such as Europe/Berlin or America/New_York, or UTC"),
        Arguments.of("a window's start that is no local time",
            windows("  zone: UTC\n  weekly:\n    - days: [MONDAY]\n      start: 9am\n"
                + "      length: 8h\n"),
            "rollout.yaml:26:14 windows.weekly[0].start: '9am' is not a local time: write it as"
                + " \"09:00\" (24-hour, quoted in YAML)"),
        Arguments.of("a day that does not exist",
            windows("  zone: UTC\n  weekly:\n    - days: [MONDY]\n      start: \"09:00\"\n"
                + "      length: 8h\n"),
            "rollout.yaml:25:14 windows.weekly[0].days[0]: 'MONDY' is not one of MONDAY, TUESDAY,"
                + " WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY (did you mean 'MONDAY'?)"),
        Arguments.of("a window longer than a week",
            windows("  zone: UTC\n  weekly:\n    - days: [MONDAY]\n      start: \"09:00\"\n"
                + "      length: 8d\n"),
            "rollout.yaml:27:15 windows.weekly[0].length: is 8d00h00m; a weekly window lasts at most"
                + " 7 days (for longer, list more days)"),
        Arguments.of("a freeze that ends before it begins",
            windows("  zone: UTC\n  freezes:\n    - from: 2026-12-20T00:00:00Z\n"
                + "      until: 2026-12-01T00:00:00Z\n      reason: year-end\n"),
            "rollout.yaml:26:14 windows.freezes[0].until: is 2026-12-01T00:00:00Z, not after from"
                + " 2026-12-20T00:00:00Z"),
        Arguments.of("an unknown window end",
            with("capacity: 10", "capacity: 10\natWindowEnd: STOP"),
            "rollout.yaml:5:14 atWindowEnd: 'STOP' is not one of FINISH, PAUSE"),
        Arguments.of("an unknown step",
            with("  - pause: 10m", "  - paws: 10m"),
            "rollout.yaml:19:7 strategy.steps[1].paws: is not a key here (did you mean"
                + " 'pause'?); the keys are analyze, analyzeWithFreshBaseline, pause, setScale,"
                + " setWeight"),
        Arguments.of("a wrong type",
            with("capacity: 10", "capacity: ten"),
            "rollout.yaml:4:11 capacity: must be a whole number, was the string 'ten'"),
        Arguments.of("a malformed duration",
            with("  - pause: 10m", "  - pause: 10 minutes"),
            "rollout.yaml:19:14 strategy.steps[1].pause: '10 minutes' is not a duration: write"
                + " it as 30s, 10m, 1h30m, 250ms or 2.5s (units d, h, m, s, ms, largest first)"),
        Arguments.of("a missing required field, where it belongs",
            with("    version: v2\n", ""),
            "rollout.yaml:7:5 target.image.version: is required: a human label for the build,"
                + " such as v2"),
        Arguments.of("a missing health check (the launch spec's own rule)",
            with("  healthCheck:\n    type: http\n    port: 8080\n    path: /health\n", ""),
            "rollout.yaml:6:3 target.healthCheck: is required: Molt never shifts traffic to an"
                + " instance it cannot judge. Use HealthCheck.http(port, path), HealthCheck.tcp"
                + "(port) or HealthCheck.platform()"),
        Arguments.of("a health check of a port the instance does not serve",
            with("    port: 8080\n", "    port: 9090\n"),
            "rollout.yaml:13:11 target.healthCheck.port: 9090 is not among the served ports"
                + " [8080]: the check would probe a port the instance does not serve. Add it with"
                + " ports(9090) or check a served port"),
        Arguments.of("an unpinned image",
            with("registry.example/web@sha256:" + DIGEST, "nginx:latest"),
            "rollout.yaml:7:16 target.image.reference: 'nginx:latest' is not pinned: a tag can"
                + " point at different bits tomorrow. Use a digest (repo@sha256:<64 hex>), a local"
                + " image id (sha256:<64 hex>) or a machine image id (ami-...); resolve tags to"
                + " digests before building an Image"),
        Arguments.of("an unknown strategy",
            with("  type: canary", "  type: canery"),
            "rollout.yaml:16:9 strategy.type: 'canery' is not a strategy; the strategies are"
                + " rolling, blue-green and canary (did you mean 'canary'?)"),
        Arguments.of("a key set twice",
            with("fleet: web\n", "fleet: web\nfleet: api\n"),
            "rollout.yaml:4:1 fleet: is set twice; a key appears once in an object"),
        Arguments.of("an unknown template",
            with("  - pause: 10m", "  - analyze:\n        template: latency"),
            "rollout.yaml:20:19 strategy.steps[1].analyze.template: names no template:"
                + " 'latency' is neither declared above in templates nor given to the reader"),
        Arguments.of("a fleet name no platform accepts",
            with("fleet: web", "fleet: Web_1"),
            "rollout.yaml:3:8 fleet: 'Web_1' must be 1-40 lowercase letters, digits or '-',"
                + " starting and ending with a letter or digit (it becomes a label on every"
                + " platform)"),
        Arguments.of("limits that cannot replace anything for this capacity",
            with("strategy:\n  type: canary\n  steps:\n    - setWeight: 10\n    - pause: 10m\n"
                + "    - setWeight: 50\n    - setWeight: 100\n",
                "strategy:\n  type: rolling\n  maxSurge: 0%\n  maxUnavailable: 5%\n"),
            "rollout.yaml:17:13 strategy.maxSurge: maxSurge 0% and maxUnavailable 5% both resolve"
                + " to 0 for a capacity of 10: nothing could ever be replaced. Raise one of them"
                + " or give a count"),
        Arguments.of("not YAML at all",
            with("  type: canary", "  type: [canary"),
            "rollout.yaml:17:8 is not well-formed: while parsing a flow sequence"),
        Arguments.of("a template's gate the core refuses, at the template",
            with("fleet: web\n", "templates:\n  healthy:\n    healthyShare:\n      minShare: 1.5\n"
                + "fleet: web\n"),
            "rollout.yaml:6:17 templates.healthy.healthyShare.minShare: must be in (0, 1],"
                + " was 1.5"),
        Arguments.of("a variable both in environment and secrets",
            with("  ports:\n", "  environment:\n    DB: x\n  secrets:\n    DB: vault:db\n"
                + "  ports:\n"),
            "rollout.yaml:12:9 target.secrets.DB: is also set in environment; a variable comes"
                + " from one place only"),
        Arguments.of("an analysis with both a template and a gate",
            with("  - pause: 10m", "  - analyze:\n        template: x\n        gate:\n"
                + "          healthyShare:\n            minShare: 1.0"),
            "rollout.yaml:20:9 strategy.steps[1].analyze: needs exactly one of template (a"
                + " template's name) and gate (a gate written in place)"),
        Arguments.of("two steps in one item",
            with("  - pause: 10m", "  - pause: 10m\n      setWeight: 20"),
            "rollout.yaml:19:7 strategy.steps[1]: must hold exactly one step"),
        Arguments.of("a step that is a number",
            with("  - pause: 10m", "  - 10"),
            "rollout.yaml:19:7 strategy.steps[1]: must be an object (key: value pairs), was the"
                + " number 10"),
        Arguments.of("an unknown enum value",
            with("fleet: web\n", "fleet: web\nonFailure: ROLLBACK\n"),
            "rollout.yaml:4:12 onFailure: 'ROLLBACK' is not one of ROLL_BACK, PAUSE, STOP (did"
                + " you mean 'ROLL_BACK'?)"),
        Arguments.of("a YAML alias, which Jackson would read as the anchor's name",
            with("  - setWeight: 100", "  - &last {setWeight: 100}\n    - *last"),
            "rollout.yaml:22:7 strategy.steps[4]: is a YAML alias (*last), which rollout files do"
                + " not use: write the value out"),
        Arguments.of("a wrong version",
            with("apiVersion: molt.dev/v1", "apiVersion: molt.dev/v2"),
            "rollout.yaml:1:13 apiVersion: 'molt.dev/v2' is not a version this reader knows; it"
                + " reads molt.dev/v1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void namesFileLineColumnAndField(String what, String text, String message) {
    assertThatThrownBy(() -> SpecFiles.create().parse("rollout.yaml", text, Format.YAML))
        .isInstanceOf(SpecFileException.class)
        .message().startsWith(message);
  }

  @Test
  void theGoodFileIsGood() {
    assertThat(SpecFiles.create().parse("rollout.yaml", GOOD, Format.YAML))
        .isInstanceOf(RolloutFile.class);
  }

  @Test
  void theExceptionCarriesEachPartApart() {
    SpecFileException e = (SpecFileException) org.assertj.core.api.Assertions.catchThrowable(() ->
        SpecFiles.create().parse("rollout.yaml", with("  - setWeight: 50", "  - setWeight: 150"),
            Format.YAML));

    assertThat(e.file()).isEqualTo("rollout.yaml");
    assertThat(e.line()).isEqualTo(20);
    assertThat(e.column()).isEqualTo(18);
    assertThat(e.path()).isEqualTo("strategy.steps[2].setWeight");
    assertThat(e.problem()).isEqualTo("must be in 0..100, was 150");
  }

  @Test
  void aReconcileGraceAsLongAsItsDeadlineIsRefusedAtTheGrace() {
    String reconcile = """
        apiVersion: molt.dev/v1
        kind: Reconcile
        fleet: web
        capacity: 3
        declared:
          image:
            reference: sha256:%s
            version: v2
          healthCheck:
            type: platform
        unhealthyGrace: 10m
        """.formatted(DIGEST);

    assertThatThrownBy(() -> SpecFiles.create().parse("fleet.yaml", reconcile, Format.YAML))
        .hasMessage("fleet.yaml:11:17 unhealthyGrace: must be shorter than progressDeadline"
            + " 10m00s, was 10m00s: waiting out the grace would look like a stalled reconcile");
  }

  static Stream<Arguments> notDocumentsOfMolt() {
    return Stream.of(
        Arguments.of("", "rollout.yaml:1:1 is empty: a rollout file starts with apiVersion:"
            + " molt.dev/v1 and kind: Rollout, Reconcile or GateTemplates"),
        Arguments.of("- a list",
            "rollout.yaml:1:1 must be an object with apiVersion and kind, was a list"),
        Arguments.of("apiVersion: molt.dev/v1\nkind: Rolout\n", "rollout.yaml:2:7 kind: 'Rolout'"
            + " is not a kind of file; it is Rollout, Reconcile or GateTemplates (did you mean"
            + " 'Rollout'?)"),
        Arguments.of("apiVersion: molt.dev/v1\nkind: GateTemplates\n---\nkind: Rollout\n",
            "rollout.yaml:4:1 holds a second document: write one document per file"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("notDocumentsOfMolt")
  void documentsThatAreNoDocumentOfMolt(String text, String message) {
    assertThatThrownBy(() -> SpecFiles.create().parse("rollout.yaml", text, Format.YAML))
        .isInstanceOf(SpecFileException.class).hasMessage(message);
  }

  @Test
  void jsonErrorsNameTheirPlaceToo() {
    String json = """
        {
          "apiVersion": "molt.dev/v1",
          "kind": "Reconcile",
          "fleet": "web",
          "capacity": -1
        }
        """;
    assertThatThrownBy(() -> SpecFiles.create().parse("fleet.json", json, Format.JSON))
        .hasMessage("fleet.json:1:1 declared: is required: what every instance should run");
  }

  @Test
  void aFileThatCannotBeReadIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> SpecFiles.create().read(missing))
        .isInstanceOf(SpecFileException.class)
        .hasMessageStartingWith(missing + " could not be read: java.nio.file.NoSuchFileException");
  }

  @Test
  void aFileOfAnotherKindIsRefusedByTheTypedRead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(file, GOOD);

    assertThatThrownBy(() -> SpecFiles.create().readReconcile(file))
        .hasMessage(file + ":1:1 kind: is Rollout but a Reconcile file was expected here");
  }
}
