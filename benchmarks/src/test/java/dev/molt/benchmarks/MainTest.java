package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.testkit.faults.FaultCampaign;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The command line's contract: exit codes, where text goes, and the shape of every line. */
class MainTest {
  private static final String DURATION = "\\d+(\\.\\d{1,3})?s";
  private static final String SETTINGS = "surge=\\d+%? unavailable=\\d+%?";
  private static final String CANARY_STEPS = "steps=(weight\\d+|pause" + DURATION
      + "|scale\\d+%?)(,(weight\\d+|pause" + DURATION + "|scale\\d+%?))*";

  /** Any case's line head at fleet size {@code n} (a regex). */
  private static String anyCase(String n) {
    return "strategy=(rolling n=" + n + " " + SETTINGS + "|blue-green n=" + n
        + " preview=100% scale_down_delay=\\d+s|canary n=" + n + " router=(on|off) "
        + CANARY_STEPS + " " + SETTINGS + ")";
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> outLines() {
    return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
  }

  @Test
  void helpListsEverySuiteAndOption() {
    assertThat(run("--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).contains("makespan", "calls", "overhead", "faults", "judge", "--trials",
        "--sizes", "--launch",
        "--healthy", "--drain", "--poll", "--notifications", "--strategy", "--runs", "--jmh-forks",
        "--jmh-iterations", "--schedules", "--seed");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void anUnknownSuiteIsAnErrorNamingTheKnownOnes() {
    assertThat(run("speed")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown suite 'speed'", "makespan, calls, overhead, faults", "--help");
  }

  @Test
  void theJudgeSuitePrintsOneLinePerCaseAndTheFloorLast() {
    assertThat(run("judge", "--trials", "20", "--sizes", "10,50")).isZero();
    List<String> lines = outLines();

    assertThat(lines).filteredOn(l -> l.startsWith("judge metric=")).hasSize(2 * 2 * 3)
        .allMatch(l -> l.matches("judge metric=(latency|errors) n=(10|50) effect=0\\.\\d\\d"
            + " power=\\d\\.\\d{3} false_fail=\\d\\.\\d{3}"), "case lines");
    assertThat(lines.get(lines.size() - 1)).matches("judge: default_floor=(\\d+|none)"
        + " power_at_10pct=\\d\\.\\d{3} false_fail=\\d\\.\\d{3}");
    assertThat(lines).contains("gate_default_min_samples: 50");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theFaultsSuiteRunsTheCampaignAndExitsByItsVerdict() {
    int status = run("faults", "--schedules", "3", "--seed", "42");
    List<String> lines = outLines();
    assertThat(lines).startsWith("suite: faults", "seed: 42");
    String verdict = lines.stream().filter(l -> l.startsWith("schedules: ")).findFirst()
        .orElseThrow();
    assertThat(verdict).matches("schedules: 3 violations: \\d+");
    assertThat(status).isEqualTo(verdict.endsWith(" violations: 0") ? 0 : 1);
    assertThat(lines).allMatch(l -> l.startsWith("violation seed=") || l.matches("[a-z_]+: .+")
        || l.matches("faults strategy=[a-z-]+ schedules=\\d+( [a-z_]+=\\d+)+"));
    assertThat(lines).anyMatch(l -> l.matches("wall_s: \\d+\\.\\d{3}"));
    assertThat(lines).as("the fault classes drawn").anyMatch(l -> l.matches(
        "classes: [a-z-]+(,[a-z-]+)*"));
    assertThat(lines.get(lines.size() - 1)).as("the verdict is the last line").isEqualTo(verdict);
  }

  @Test
  void replayRunsTheOneScheduleAViolationLineNames() {
    long seed = new java.util.Random(42).nextLong(); // the first schedule of seed 42 (a campaign)
    int status = run("faults", "--replay", Long.toString(seed));
    List<String> lines = outLines();

    assertThat(lines.get(0)).isEqualTo("suite: faults");
    assertThat(lines.get(1)).startsWith("replay: ").contains("seed=" + seed);
    assertThat(lines.get(2))
        .matches("ended: (SUCCEEDED|ROLLED_BACK|FAILED|COMPLETED|HALTED|unfinished).*");
    assertThat(lines.get(lines.size() - 1)).matches("violations: \\d+");
    assertThat(status).isEqualTo(lines.get(lines.size() - 1).equals("violations: 0") ? 0 : 1);
    assertThat(run("faults", "--replay", "x")).isEqualTo(2);
  }

  @Test
  void replayRunsACampaignScheduleToo() {
    long seed = LongStream.range(0, 1000)
        .filter(FaultCampaign::isCampaign).findFirst().orElseThrow();
    int status = run("faults", "--replay", Long.toString(seed));
    List<String> lines = outLines();

    assertThat(lines.get(1)).startsWith("replay: seed=" + seed + " strategy=campaign fleets=[");
    assertThat(lines.get(2)).matches("ended: (COMPLETED|HALTED|unfinished)");
    assertThat(lines.get(3)).startsWith("classes: ").contains("campaign");
    assertThat(lines.get(lines.size() - 1)).matches("violations: \\d+");
    assertThat(status).isEqualTo(lines.get(lines.size() - 1).equals("violations: 0") ? 0 : 1);
  }

  @Test
  void badOptionsFailBeforeAnythingRuns() {
    assertThat(run("makespan", "--sizes", "ten")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--sizes");
  }

  @Test
  void aSizeTheLimitsCannotMoveIsAnError() {
    assertThat(run("makespan", "--sizes", "2")).isEqualTo(2); // 25% of 2 rounds down to 0
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("surge=0 unavailable=25% cannot roll a fleet of 2", "--sizes");
  }

  @Test
  void anUnknownStrategyIsAnError() {
    assertThat(run("calls", "--strategy", "big-bang", "--sizes", "2")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("big-bang", "rolling");
  }

  @Test
  void makespanPrintsAHeaderThenOneLinePerCaseAndSize() {
    assertThat(run("makespan", "--sizes", "4,8")).isZero();
    List<String> lines = outLines();
    assertThat(lines).startsWith("suite: makespan", "launch: 20s", "healthy: 10s", "drain: 5s",
        "poll: 2s", "notifications: on");
    int cases = StrategyCases.defaults().size() * 2;
    assertThat(lines.stream().filter(l -> l.startsWith("makespan "))).hasSize(cases)
        .allMatch(l -> l.matches("makespan " + anyCase("[48]") + " ideal=" + DURATION
            + " actual=" + DURATION + " ratio=\\d+\\.\\d{3}"), "makespan line");
    assertThat(lines).contains("cases: " + cases);
    assertThat(lines).anyMatch(l -> l.matches("worst_ratio: \\d+\\.\\d{3}"));
    assertThat(lines).allMatch(l -> l.startsWith("makespan ") || l.matches("[a-z_]+: .+"));
  }

  @Test
  void callsPrintsEveryOperationAndTheObserveCountsBySize() {
    assertThat(run("calls", "--sizes", "4,8", "--strategy", "rolling")).isZero();
    List<String> lines = outLines();
    int rolling = StrategyCases.select(Optional.of("rolling")).size();
    assertThat(lines.stream().filter(l -> l.startsWith("calls "))).hasSize(rolling * 2)
        .allMatch(l -> l.matches("calls strategy=rolling n=[48] " + SETTINGS + " launch=\\d+"
            + " observe=\\d+ health=\\d+ drain=\\d+ shift=\\d+ terminate=\\d+"
            + " per_instance=\\d+\\.\\d{3}"), "calls line");
    assertThat(lines.stream().filter(l -> l.startsWith("observe_by_n ")))
        .hasSize(rolling)
        .allMatch(l -> l.matches("observe_by_n strategy=rolling " + SETTINGS
            + " sizes=4,8 observe=\\d+,\\d+ observe_per_poll=\\d+\\.\\d{3},\\d+\\.\\d{3}"),
            "summary line");
  }

  @Test
  void canaryTrafficShiftsThroughTheRouterUnlessTheCaseHasNoneWithOrWithoutNotifications() {
    for (String notifications : List.of("on", "off")) {
      out.reset();
      assertThat(run("calls", "--sizes", "4", "--strategy", "canary", "--notifications",
          notifications)).isZero();
      List<String> calls = outLines().stream().filter(l -> l.startsWith("calls ")).toList();
      assertThat(calls).hasSize(3).allMatch(l -> l.matches("calls " + anyCase("4")
          + " launch=\\d+ observe=\\d+ health=\\d+ drain=\\d+ shift=\\d+ terminate=\\d+"
          + " per_instance=\\d+\\.\\d{3}"), "calls line");
      // weights 10, 50, 100: three switches; scale then 5, 20, promotion: three; no router: none
      assertThat(calls).as("notifications " + notifications).extracting(l -> l.replaceAll(
          ".* router=(on|off) .* shift=(\\d+) .*", "$1 $2"))
          .containsExactly("on 3", "on 3", "off 0");
    }
  }
}
