package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {

  @Test
  void aSuiteAloneGetsTheDefaults() {
    Options o = Options.parse(List.of("makespan"));
    assertThat(o.suite()).isEqualTo("makespan");
    assertThat(o.help()).isFalse();
    assertThat(o.sizes()).containsExactly(10, 100, 1_000, 10_000);
    assertThat(o.latencies()).isEqualTo(Latencies.defaults());
    assertThat(o.poll()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.notifications()).isTrue();
    assertThat(o.strategy()).isEmpty();
    assertThat(o.runs()).isEqualTo(5);
    assertThat(o.jmhForks()).isEqualTo(1);
    assertThat(o.jmhIterations()).isEqualTo(5);
    assertThat(o.schedules()).isEqualTo(1000);
    assertThat(o.seed()).isEqualTo(1);
    assertThat(o.trials()).isEqualTo(1000);
  }

  @Test
  void everyOptionIsRead() {
    Options o = Options.parse(List.of("--sizes", "5,50", "calls", "--launch", "1m",
        "--healthy", "500ms", "--drain", "0", "--poll", "1.5", "--strategy", "rolling",
        "--runs", "3", "--jmh-forks", "2", "--jmh-iterations", "7", "--notifications", "off",
        "--schedules", "20", "--seed", "-9", "--trials", "40"));
    assertThat(o.suite()).isEqualTo("calls");
    assertThat(o.sizes()).containsExactly(5, 50);
    assertThat(o.latencies()).isEqualTo(new Latencies(Duration.ofMinutes(1),
        Duration.ofMillis(500), Duration.ZERO));
    assertThat(o.poll()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.notifications()).isFalse();
    assertThat(o.strategy()).isEqualTo(Optional.of("rolling"));
    assertThat(o.runs()).isEqualTo(3);
    assertThat(o.jmhForks()).isEqualTo(2);
    assertThat(o.jmhIterations()).isEqualTo(7);
    assertThat(o.schedules()).isEqualTo(20);
    assertThat(o.seed()).isEqualTo(-9);
    assertThat(o.trials()).isEqualTo(40);
  }

  @Test
  void helpNeedsNoSuite() {
    assertThat(Options.parse(List.of("--help")).help()).isTrue();
    assertThat(Options.parse(List.of("-h")).suite()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''| no suite given",
      "makespan --sizes| --sizes needs a value",
      "makespan calls| unexpected argument 'calls' after suite 'makespan'",
      "makespan --bogus 1| unknown option --bogus",
      "makespan --sizes 10,,100| --sizes expects a whole number >= 1, was ''",
      "makespan --sizes 0| --sizes expects a whole number >= 1, was '0'",
      "makespan --launch fast| --launch expects a duration such as 500ms, 20s or 2m, was 'fast'",
      "makespan --drain -5s| --drain must not be negative, was '-5s'",
      "makespan --poll 0s| --poll must be more than 0",
      "makespan --notifications yes| --notifications expects on or off, was 'yes'",
      "overhead --runs two| --runs expects a whole number >= 1, was 'two'",
      "faults --seed x| --seed expects a whole number, was 'x'"})
  void badInputNamesTheOption(String line, String message) {
    List<String> args = line.isEmpty() ? List.of() : List.of(line.split(" "));
    assertThatThrownBy(() -> Options.parse(args)).isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"250ms, 250", "20s, 20000", "20, 20000", "2m, 120000", "1h, 3600000",
      "0.5s, 500", "1.25M, 75000"})
  void durationsTakeAUnit(String text, long millis) {
    assertThat(Options.duration("--x", text)).isEqualTo(Duration.ofMillis(millis));
  }
}
