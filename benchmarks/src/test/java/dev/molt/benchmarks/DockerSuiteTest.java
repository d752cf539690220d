package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code docker} suite's output format and arithmetic (its figures need a real engine). */
class DockerSuiteTest {

  @Test
  void eachSurgePrintsOneMachineReadableLine() {
    assertThat(DockerSuite.line(2, 2960, 2050))
        .isEqualTo("docker_rolling n=5 surge=2 molt_ms=2960 floor_ms=2050 ratio=1.444");
    assertThat(DockerSuite.line(1, 4100, 2000))
        .matches("docker_rolling n=5 surge=1 molt_ms=\\d+ floor_ms=\\d+ ratio=\\d+\\.\\d{3}");
  }

  @Test
  void theFigureIsTheMedianRun() {
    assertThat(DockerSuite.median(List.of(5L, 1L, 3L))).isEqualTo(3);
    assertThat(DockerSuite.median(List.of(7L))).isEqualTo(7);
  }

  @Test
  void theSuiteIsListed() {
    assertThat(Suites.find("docker")).isPresent();
    assertThat(Main.usage()).contains("docker");
  }
}
