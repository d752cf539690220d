package dev.molt.decide;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Verdict;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worked example of {@link CanaryPlanner}'s doc comment as a table: desired 10 with a router,
 * steps set-weight 10, pause 10 min, analyze, set-weight 50, pause 10 min, set-weight 100, then
 * the promotion (step 6). Each row is where the rollout is (step, minutes since the step began,
 * v1 stable, v2 ready, v2 launching, v2's weight, -1 for none set) and what the planner does.
 */
class CanaryPlannerTest {
  private static final Canary CANARY = Canary.of(setWeight(10), pause(Duration.ofMinutes(10)),
      analyze(Analysis.of(Gate.constant(Verdict.PASS))), setWeight(50),
      pause(Duration.ofMinutes(10)), setWeight(100));

  static Stream<Arguments> example() {
    return Stream.of(
        // name, step, minutes in step, stable, ready, launching, weight -> decision
        Arguments.of("set-weight 10 sizes the canary first", 0, 0, 10, 0, 0, -1,
            "launch=1 CONTINUE"),
        Arguments.of("set-weight 10 waits while it launches", 0, 0, 10, 0, 1, -1, "CONTINUE"),
        Arguments.of("set-weight 10 gives the ready canary its weight", 0, 0, 10, 1, 0, -1,
            "traffic=10 advance=1 CONTINUE"),
        Arguments.of("pause 10 min waits it out", 1, 5, 10, 1, 0, 10,
            "await=TIMED_PAUSE CONTINUE"),
        Arguments.of("pause 10 min is over", 1, 10, 10, 1, 0, 10, "advance=2 CONTINUE"),
        Arguments.of("analyze starts the analysis", 2, 0, 10, 1, 0, 10, "analyze CONTINUE"),
        Arguments.of("set-weight 50 launches 4 more", 3, 0, 10, 1, 0, 10, "launch=4 CONTINUE"),
        Arguments.of("set-weight 50 with 5 ready moves traffic", 3, 0, 10, 5, 0, 10,
            "traffic=50 advance=4 CONTINUE"),
        Arguments.of("set-weight 100 launches the other 5", 5, 0, 10, 5, 0, 50,
            "launch=5 CONTINUE"),
        Arguments.of("set-weight 100 with 10 ready takes all traffic", 5, 0, 10, 10, 0, 50,
            "traffic=100 advance=6 CONTINUE"),
        Arguments.of("the promotion drains the stable fleet", 6, 0, 10, 10, 0, 100,
            "drain=10 CONTINUE"),
        Arguments.of("done once the stable fleet is gone", 6, 1, 0, 10, 0, 100, "DONE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("example")
  void decides(String name, int step, int minutesIn, int stable, int ready, int launching,
      int weight, String expected) {
    PlanContext ctx = StepFleet.at(StepFleet.of(10, stable, ready, launching, weight), step,
        Duration.ofMinutes(minutesIn), false);

    Decision d = new CanaryPlanner(CANARY).decide(ctx);

    assertThat(StepFleet.summary(d)).isEqualTo(expected);
    assertThat(d.totalSteps()).as("the promotion is the last step").isEqualTo(7);
  }

  @Test
  void aTimedPauseSaysUntilWhenAndAnUntimedOneWaitsForAPerson() {
    PlanContext timed = StepFleet.at(StepFleet.of(10, 10, 1, 0, 10), 1, Duration.ofMinutes(4),
        false);
    Decision d = new CanaryPlanner(CANARY).decide(timed);
    assertThat(StepFleet.waitOf(d).orElseThrow().until())
        .contains(StepFleet.NOW.plus(Duration.ofMinutes(6)));
    assertThat(d.wakeAt()).contains(StepFleet.NOW.plus(Duration.ofMinutes(6)));
    assertThat(StepFleet.waitOf(d).orElseThrow().detail()).isEqualTo("canary step 1: pause 10m00s");

    Canary held = Canary.of(setWeight(10), pauseUntilResumed(), setWeight(100));
    Decision h = new CanaryPlanner(held).decide(timed);
    assertThat(StepFleet.summary(h)).isEqualTo("hold=UNTIMED_PAUSE CONTINUE");
    assertThat(StepFleet.waitOf(h).orElseThrow().reason().needsPerson()).isTrue();
  }
}
