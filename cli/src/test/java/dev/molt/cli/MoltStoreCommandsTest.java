package dev.molt.cli;

import static dev.molt.cli.MoltRun.molt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutPhase;
import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that read the store, retry and undo from it, draw a stored rollout ({@code molt
 * timeline}), and a fleet another engine holds.
 */
class MoltStoreCommandsTest {
  static final String QUICK_CANARY = """
      apiVersion: molt.dev/v1
      kind: Rollout
      metricSources:
        prometheus:
          type: prometheus
          url: http://prometheus:9090
      templates:
        errors:
          metricComparison:
            source: prometheus
            query: "rate(http_errors_total{revision='{revision}'}[1m])"
      fleet: web
      capacity: 2
      target:
        image:
          reference: registry.example/web@sha256:2222222222222222222222222222222222222222222222222222222222222222
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
          - setWeight: 50
          - analyze:
              template: errors
              interval: 100ms
          - setWeight: 100
      """;

  @TempDir Path dir;

  String[] realTime(String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--real-time", "--sim-launch", "50ms",
        "--sim-ready", "50ms", "--poll", "100ms", "--store", dir.resolve("store").toString()))
        .toArray(String[]::new);
  }

  Path quickCanary() throws IOException {
    Path file = dir.resolve("canary.yaml");
    Files.writeString(file, QUICK_CANARY);
    return file;
  }

  List<RolloutRecord> stored() {
    FileRolloutStore store = FileRolloutStore.open(dir.resolve("store"));
    return new Stores(store, "", Optional.of(dir.resolve("store"))).ofFleet("web");
  }

  @Test
  void aRolledBackRolloutIsRetriedThenUndoneAndTheHistoryHasAll() throws IOException {
    MoltRun failed = molt(realTime("apply", "-f", quickCanary().toString(), "--gate-verdict",
        "FAIL"));
    assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(3);

    MoltRun refused = molt(realTime("undo", "web"));
    assertThat(refused.code()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(refused.err()).contains("ended ROLLED_BACK: nothing to undo (molt retry web runs"
        + " it again)");

    MoltRun retried = molt(realTime("retry", "web"));
    assertThat(retried.code()).as(retried.out() + retried.err()).isZero();
    assertThat(retried.lastLine()).matches(MoltRun.summary("SUCCEEDED", 2));

    MoltRun undone = molt(realTime("undo", "web"));
    assertThat(undone.code()).as(undone.out() + undone.err()).isZero();

    List<RolloutRecord> all = stored();
    assertThat(all).extracting(r -> r.rollout().phase()).containsExactly(
        RolloutPhase.ROLLED_BACK, RolloutPhase.SUCCEEDED, RolloutPhase.SUCCEEDED);
    assertThat(all.get(1).spec()).isEqualTo(all.get(0).spec());
    // the undo went back to the revision the retried rollout replaced
    assertThat(all.get(2).rollout().to()).isEqualTo(all.get(1).rollout().from().orElseThrow());
    MoltRun history = molt("history", "web", "--store", dir.resolve("store").toString());
    assertThat(history.code()).isZero();
    assertThat(history.lines()).hasSize(3);
    assertThat(history.lines().get(0)).contains(" ROLLED_BACK ", "(analysis at step 1 (errors)");
    MoltRun retryAgain = molt(realTime("retry", "web"));
    assertThat(retryAgain.code()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(retryAgain.err()).contains("is SUCCEEDED: retry runs a rollout that ended FAILED"
        + " or ROLLED_BACK");
  }

  @Test
  void aFleetAnotherEngineHoldsIsBusyAndTheHolderIsNamed() throws IOException {
    FileRolloutStore.open(dir.resolve("store")).acquire("web", "deployer-a", Instant.now(),
        Duration.ofMinutes(5));

    MoltRun run = molt(realTime("apply", "-f", quickCanary().toString()));

    assertThat(run.code()).isEqualTo(ExitCode.BUSY.code()).isEqualTo(5);
    assertThat(run.err()).startsWith("molt: fleet web is being driven by engine 'deployer-a'")
        .hasLineCount(1);
  }

  @Test
  void aVirtualTimeSimulationRefusesAStoreItWouldNotWrite() throws IOException {
    MoltRun run = molt("apply", "-f", quickCanary().toString(), "--store",
        dir.resolve("store").toString());

    assertThat(run.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err()).isEqualTo("molt: a virtual-time simulation keeps nothing in --store (its"
        + " clock and leases are not the wall clock's): add --real-time to record it there, or"
        + " drop --store\n");
  }

  @Test
  void reconcileFindsTheSimulatedDriftAndADryRunChangesNothing() {
    MoltRun dry = molt("reconcile", "-f", "examples/rollouts/reconcile.yaml", "--dry-run");
    MoltRun wet = molt("reconcile", "-f", "examples/rollouts/reconcile.yaml");

    assertThat(dry.code()).isZero();
    assertThat(dry.lastLine()).startsWith("would-replace=10 would-terminate=0 drifted=10");
    assertThat(dry.out()).contains("finding: web-00001 DRIFTED: runs revision").doesNotContain(
        "action=launch");
    assertThat(wet.code()).isZero();
    assertThat(wet.lastLine()).startsWith("replaced=10 terminated=0 drifted=10");
  }

  @Test
  void aRolledBackCanaryIsDrawnFromTheStoreAsSvgAndAsHtml() throws IOException {
    MoltRun failed = molt(realTime("apply", "-f", quickCanary().toString(), "--gate-verdict",
        "FAIL"));
    assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(3);
    RolloutRecord record = stored().get(0);
    assertThat(record.rollout().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    String store = dir.resolve("store").toString();

    Path svg = dir.resolve("rollout.svg");
    MoltRun drawn = molt("timeline", record.id(), "-o", svg.toString(), "--store", store);
    assertThat(drawn.code()).as(drawn.err()).isZero();
    assertThat(drawn.lastLine()).startsWith("wrote " + svg + ": rollout " + record.id()
        + " of fleet web, ROLLED_BACK, ");
    assertThat(Files.readString(svg)).startsWith("<?xml").contains("<svg", "rollback-marker",
        "verdict-FAIL");

    Path html = dir.resolve("rollout.html");
    assertThat(molt("timeline", record.id(), "-o", html.toString(), "--store", store).code())
        .isZero();
    assertThat(Files.readString(html)).contains("<html", "<svg", "rollback-marker");
  }

  @Test
  void anUnknownRolloutOrAnotherKindOfFileIsRefusedInOneLine() {
    String store = dir.resolve("store").toString();
    MoltRun missing = molt("timeline", "ro-00000000", "-o", dir.resolve("x.svg").toString(),
        "--store", store);
    assertThat(missing.code()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(missing.err()).contains("no rollout ro-00000000 in the store").hasLineCount(1);
    assertThat(dir.resolve("x.svg")).doesNotExist();

    MoltRun png = molt("timeline", "ro-00000000", "-o", dir.resolve("x.png").toString(),
        "--store", store);
    assertThat(png.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(png.err()).contains("must end in .svg or .html").hasLineCount(1);
  }
}
