package dev.molt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchWaveScenarioTest {
  private static final String DURATION =
      "(\\d+ms|\\d+(\\.\\d+)?s|\\d+m\\d{2}s|\\d+h\\d{2}m\\d{2}s)";

  private static List<String> run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = PatchWaveScenario.run(DemoOptions.parse(List.of(args)), new PrintStream(bytes,
        true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void replacesElevenFleetsRollsOneBackAndEndsWithTheSummary() {
    List<String> lines = run("--scenario", "patch-wave");

    assertThat(lines.get(lines.size() - 1)).matches("patch-wave: fleets=12 replaced=11"
        + " rolled_back=1 halted=false waves=4 peak_exposure=\\d+\\.\\d% duration=" + DURATION);
    double peak = Double.parseDouble(lines.get(lines.size() - 1)
        .replaceAll(".*peak_exposure=([0-9.]+)%.*", "$1"));
    assertThat(peak).isPositive().isLessThanOrEqualTo(25.0);
    List<String> fleets = lines.stream().filter(l -> l.contains(" fleet ")).toList();
    assertThat(fleets).hasSize(12);
    assertThat(fleets).filteredOn(l -> l.contains("SUCCEEDED")).hasSize(11);
    assertThat(fleets).filteredOn(l -> l.contains("ROLLED_BACK")).singleElement()
        .asString().contains("fleet stg-worker");
    assertThat(lines).filteredOn(l -> l.matches("\\[.*\\] +wave \\w+ +ended: .*"))
        .extracting(l -> l.replaceAll(".* wave (\\w+) .*", "$1"))
        .containsExactly("canary", "dev", "staging", "prod");
    assertThat(lines).anyMatch(l -> l.startsWith("wave prod waits for approval"));
  }

  @Test
  void thePlanListsTheFourWavesAndThePeakWithinTheBudget() {
    List<String> lines = run("--scenario", "patch-wave", "--plan");

    assertThat(lines).anyMatch(l -> l.equals("plan: campaign base-v2, 4 waves"));
    assertThat(lines).anyMatch(l -> l.matches("  3 +prod .*prd-web, prd-api, prd-worker,"
        + " prd-auth \\(after approval\\)"));
    assertThat(lines).anyMatch(l -> l.matches("  peak exposure \\d+ of 40 instances .*budget"
        + " 10\\)"));
  }

  @Test
  void theScenarioIsListedAndRunsAlone() {
    assertThat(DemoOptions.usage()).contains("patch-wave");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--scenario", "patch-wave",
        "--capacity", "5"))).hasMessageContaining("runs its own 12 fleets");
  }
}
