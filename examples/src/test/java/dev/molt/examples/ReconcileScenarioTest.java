package dev.molt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileScenarioTest {

  @Test
  void printsEachFindingWithItsReasonAndEndsWithTheSummary() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = ReconcileScenario.run(DemoOptions.parse(List.of("--scenario", "reconcile")),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

    assertThat(code).isZero();
    assertThat(lines.get(lines.size() - 1)).isEqualTo(
        "reconcile: replaced=6 terminated=0 drifted=3 tainted=1 unhealthy=2 orphans=0");
    assertThat(lines).filteredOn(l -> l.matches("  web-\\d+ +DRIFTED +replaced +runs revision .*"))
        .hasSize(3);
    assertThat(lines).filteredOn(l -> l.contains("TAINTED") && l.contains("break-glass ssh"))
        .hasSize(1);
    assertThat(lines).filteredOn(l -> l.contains("UNHEALTHY") && l.contains("health check"))
        .hasSize(2);
    assertThat(lines).anyMatch(l -> l.startsWith("fleet web: 10/10 healthy on v2, run rc-")
        && l.contains(" SUCCEEDED in "));
  }

  @Test
  void theScenarioIsListedAndChecked() {
    assertThat(DemoOptions.usage()).contains("--scenario", "reconcile");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--scenario", "chaos")))
        .hasMessageContaining("--scenario must be one of rolling, reconcile");
  }
}
