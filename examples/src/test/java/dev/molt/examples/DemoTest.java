package dev.molt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  private static final String SUMMARY = summary(10);

  /** @return the demo's last line for {@code n} instances; times in Durations.text form */
  static String summary(int n) {
    return "rollout ro-[0-9a-f]{8} SUCCEEDED: " + n + "/" + n + " instances on r-[0-9a-f]+ in"
        + " (\\d+ms|\\d+(\\.\\d+)?s|\\d+m\\d{2}s|\\d+h\\d{2}m\\d{2}s) \\(wall \\d+ ms\\)";
  }

  static List<String> run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Demo.run(DemoOptions.parse(List.of(args)), new PrintStream(bytes, true,
        StandardCharsets.UTF_8));
    assertThat(code).isZero();
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rolling", "blue-green", "canary"})
  void everyStrategyEndsWithTheSummaryLine(String strategy) {
    List<String> lines = run("--strategy", strategy);
    assertThat(lines.get(lines.size() - 1)).matches(SUMMARY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rolling", "blue-green", "canary"})
  void theProgressBarReachesItsEndAndTheRolloutSumsItselfUp(String strategy) {
    List<String> lines = run("--strategy", strategy);
    List<String> bars = lines.stream().filter(l -> l.matches(".*\\[[#.]{20}\\].*")).toList();
    assertThat(bars).isNotEmpty();
    assertThat(bars.get(bars.size() - 1)).contains("[" + "#".repeat(20) + "]");
    assertThat(lines.get(lines.size() - 2)).contains("web " + strategy, " SUCCEEDED ")
        .doesNotContain("PT");
  }

  @Test
  void badOptionValuesGetAClearAnswerAndBothOptionFormsWork() {
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--seed", "x")))
        .hasMessage("--seed must be a whole number, was 'x'");
    assertThat(DemoOptions.parse(List.of("--capacity=5")).capacity()).isEqualTo(5);
    assertThat(DemoOptions.parse(List.of("--seed=7", "--strategy=canary")).seed()).isEqualTo(7);
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--capacity=0")))
        .hasMessage("--capacity must be in 1..100000, was 0");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--colour")))
        .hasMessageContaining("unknown option '--colour'");
  }

  @Test
  void timelineWritesThePictureOfTheRolloutAndTheSummaryStaysLast(@TempDir Path dir)
      throws IOException {
    Path svg = dir.resolve("pictures/out.svg");
    List<String> lines = run("--strategy", "canary", "--timeline", svg.toString());

    assertThat(lines.get(lines.size() - 1)).matches(SUMMARY);
    String id = lines.get(lines.size() - 1).split(" ")[1];
    assertThat(lines.get(lines.size() - 2)).isEqualTo("timeline of " + id + " written to " + svg);
    String picture = Files.readString(svg);
    assertThat(picture).startsWith("<?xml").contains("data-rollout=\"" + id + "\"",
        "class=\"traffic-line\"", "class=\"step-boundary\"", "end-marker end-SUCCEEDED");

    Path html = dir.resolve("out.html");
    run("--timeline=" + html);
    assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg ");
  }

  @Test
  void timelineNeedsARolloutThatRuns() {
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--plan", "--timeline", "x.svg")))
        .hasMessageContaining("drop one of them");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--scenario", "reconcile", "--timeline",
        "x.svg"))).hasMessageContaining("--timeline");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--timeline")))
        .hasMessage("--timeline needs a value");
  }

  @Test
  void theCanaryPrintsEachTrafficChange() {
    List<String> traffic = run("--strategy", "canary").stream()
        .filter(l -> l.startsWith("traffic:")).toList();
    assertThat(traffic).hasSize(3).allMatch(l -> l.matches(
        "traffic: r-[0-9a-f]+=\\d+% r-[0-9a-f]+=\\d+%"));
    assertThat(traffic.get(0)).endsWith("=90% " + traffic.get(0).split(" ")[2].split("=")[0]
        + "=10%");
  }

  @Test
  void thePlanIsPrintedWithoutRollingOut() {
    List<String> lines = run("--strategy", "canary", "--plan");
    assertThat(lines).anyMatch(l -> l.startsWith("plan: canary of fleet web"));
    assertThat(lines).anyMatch(l -> l.contains("peak 20 instances (+10 over desired 10)"));
    assertThat(lines).noneMatch(l -> l.matches(SUMMARY));
  }

  @Test
  void helpListsTheOptionsAndBadValuesAreRefused() {
    assertThat(DemoOptions.usage()).contains("--strategy", "rolling | blue-green | canary",
        "--plan");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--strategy", "yolo")))
        .hasMessageContaining("--strategy must be one of");
  }

  @Test
  void theDockerProviderTakesEveryStrategyWithRealTimeTimings() {
    for (String strategy : DemoStrategies.NAMES) {
      DemoOptions options = DemoOptions.parse(List.of("--provider", "docker", "--strategy",
          strategy));
      assertThat(options.provider()).isEqualTo("docker");
      assertThat(options.capacity()).isEqualTo(5);
      assertThat(DemoStrategies.forDocker(strategy).name()).isEqualTo(strategy);
    }
    assertThat(DemoStrategies.describeForDocker("canary")).contains("20%", "4s");
  }
}
