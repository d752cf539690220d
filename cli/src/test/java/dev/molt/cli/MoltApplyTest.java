package dev.molt.cli;

import static dev.molt.cli.MoltRun.molt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code molt apply} on the simulation: what it prints and how it exits. */
class MoltApplyTest {
  static final Path EXAMPLES = Path.of("examples/rollouts");

  @Test
  void theCanaryExampleSucceedsAndEndsWithTheDemosSummaryLine() {
    MoltRun run = molt("apply", "-f", EXAMPLES.resolve("canary.yaml").toString(), "--simulate");

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK.code());
    assertThat(run.lastLine()).matches(MoltRun.summary("SUCCEEDED", 10));
    assertThat(run.lastLine()).contains(": 10/10 instances on ");
    List<String> lines = run.lines();
    // as in the demo, the line before is the rollout's own Rollout.summary()
    assertThat(lines.get(lines.size() - 2)).matches(
        "\\[\\S+\\]\\s+ro-[0-9a-f]{8} web canary r-[0-9a-f]+->r-[0-9a-f]+ SUCCEEDED step 10/10"
            + " after \\S+");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aSimulationAnswersTheCanarysHoldAsAPersonWouldAndSaysSo() {
    MoltRun run = molt("apply", "-f", EXAMPLES.resolve("canary.yaml").toString());

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("molt: simulation: UNTIMED_PAUSE: canary step 7",
        "answering as `molt promote web` would");
  }

  @Test
  void plainOutputHasOneLinePerChangeAndTheTrafficLinesForScripts() {
    MoltRun run = molt("apply", "-f", EXAMPLES.resolve("canary.yaml").toString(), "--simulate");

    List<String> traffic = run.lines().stream().filter(l -> l.startsWith("traffic:")).toList();
    assertThat(traffic).hasSize(5).allMatch(l -> l.matches("traffic:( r-[0-9a-f]+=\\d+%)+"));
    assertThat(traffic.get(traffic.size() - 1)).endsWith("=0% " + traffic.get(0).split(" ")[2]
        .split("=")[0] + "=100%");
    assertThat(run.out()).doesNotContain("\r", "\033[");
  }

  @Test
  void aFailingGateRollsBackWithItsOwnExitCode() {
    MoltRun run = molt("apply", "-f", EXAMPLES.resolve("canary.yaml").toString(), "--simulate",
        "--gate-verdict", "FAIL");

    assertThat(run.code()).isEqualTo(ExitCode.ROLLED_BACK.code()).isEqualTo(3);
    assertThat(run.lastLine()).matches(MoltRun.summary("ROLLED_BACK", 10));
    assertThat(run.out()).contains("verdict=FAIL", "simulated: latency is not measured");
  }

  @Test
  void aFailureUnderTheStopPolicyFailsWithItsOwnExitCode(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("stop.yaml");
    Files.writeString(file, Files.readString(EXAMPLES.resolve("canary.yaml"))
        .replace("strategy:\n", "onFailure: STOP\nstrategy:\n"));

    MoltRun run = molt("apply", "-f", file.toString(), "--gate-verdict", "FAIL");

    assertThat(run.code()).as(run.out()).isEqualTo(ExitCode.FAILED.code()).isEqualTo(1);
    assertThat(run.lastLine()).matches(MoltRun.summary("FAILED", 10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rolling.yaml", "blue-green.yaml", "canary-shared-gates.json"})
  void everyExampleRolloutSucceedsInASimulation(String name) {
    List<String> args = name.startsWith("canary-shared")
        ? List.of("apply", "-f", EXAMPLES.resolve(name).toString(), "--templates",
            EXAMPLES.resolve("gates.yaml").toString())
        : List.of("apply", "-f", EXAMPLES.resolve(name).toString());

    MoltRun run = molt(args.toArray(String[]::new));

    assertThat(run.code()).as(run.err() + run.out()).isZero();
    assertThat(run.lastLine()).matches(MoltRun.summary("SUCCEEDED", "\\d+"));
  }

  @Test
  void onATerminalOneLiveLineShowsTheStepTheSplitAndTheInstances() {
    MoltRun run = MoltRun.run(true, Map.of("HOME", "/nonexistent", "COLUMNS", "200"), "apply",
        "-f",
        EXAMPLES.resolve("canary.yaml").toString());

    assertThat(run.code()).isZero();
    // the live line is redrawn in place: carriage return and erase-line, no newline
    List<String> redraws = List.of(run.out().split("\r\033\\[K"));
    assertThat(redraws).anySatisfy(l -> assertThat(l).matches(
        "\\[#{14}\\.{6}\\] step 7/10  PAUSED  traffic r-[0-9a-f]+=50% r-[0-9a-f]+=50%"
            + "  r-[0-9a-f]+ 10 healthy \\| r-[0-9a-f]+ 5 healthy  waiting UNTIMED_PAUSE"));
    assertThat(run.lastLine()).matches(MoltRun.summary("SUCCEEDED", 10));
  }

  @Test
  void theLiveLineIsCutToTheTerminalsWidthSoItNeverWraps() {
    MoltRun run = MoltRun.run(true, Map.of("HOME", "/nonexistent", "COLUMNS", "60"), "apply",
        "-f", EXAMPLES.resolve("canary.yaml").toString());

    assertThat(run.code()).isZero();
    List<String> redraws = List.of(run.out().split("\r\033\\[K")).stream()
        .filter(l -> l.startsWith("[#") || l.startsWith("[.")).toList();
    assertThat(redraws).isNotEmpty().allSatisfy(l -> assertThat(l).hasSizeLessThan(60));
    assertThat(redraws).anySatisfy(l -> assertThat(l).endsWith("..."));
  }
}
