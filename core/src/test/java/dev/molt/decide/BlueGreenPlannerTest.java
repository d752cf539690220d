package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.strategy.BlueGreen;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlueGreenPlanner}'s six steps as a table, desired 4 with a router: blue is v1, green v2.
 * Each row is where the rollout is (the strategy, the step, seconds since the step began, blue
 * healthy, green ready, green launching, green's weight, -1 for none set) and what the planner
 * does.
 */
class BlueGreenPlannerTest {
  private static final BlueGreen AUTO = BlueGreen.defaults()
      .withAutoPromotionAfter(Duration.ofSeconds(60));
  private static final BlueGreen MANUAL = BlueGreen.defaults().withManualPromotion();

  static Stream<Arguments> steps() {
    return Stream.of(
        // name, strategy, step, seconds in step, blue, green ready, launching, weight -> decision
        Arguments.of("launch pins traffic on blue before green exists", AUTO, 0, 0, 4, 0, 0, -1,
            "traffic=0 CONTINUE"),
        Arguments.of("launch then starts green beside blue", AUTO, 0, 0, 4, 0, 0, 0,
            "launch=4 CONTINUE"),
        Arguments.of("launch waits for green to be ready", AUTO, 0, 0, 4, 0, 4, 0, "CONTINUE"),
        Arguments.of("a ready green moves on", AUTO, 0, 0, 4, 4, 0, 0, "advance=1 CONTINUE"),
        Arguments.of("no pre-promotion analysis: on to promote", AUTO, 1, 0, 4, 4, 0, 0,
            "advance=2 CONTINUE"),
        Arguments.of("automatic promotion waits its delay", AUTO, 2, 30, 4, 4, 0, 0,
            "await=TIMED_PAUSE CONTINUE"),
        Arguments.of("automatic promotion after the delay", AUTO, 2, 60, 4, 4, 0, 0,
            "advance=3 CONTINUE"),
        Arguments.of("manual promotion holds for a person", MANUAL, 2, 600, 4, 4, 0, 0,
            "hold=AWAITING_PROMOTION CONTINUE"),
        Arguments.of("the switch is one router call", AUTO, 3, 0, 4, 4, 0, 0,
            "traffic=100 advance=4 CONTINUE"),
        Arguments.of("no post-promotion analysis: on to scale down", AUTO, 4, 0, 4, 4, 0, 100,
            "advance=5 CONTINUE"),
        Arguments.of("blue is kept for the scale-down delay", AUTO, 5, 10, 4, 4, 0, 100,
            "await=TIMED_PAUSE CONTINUE"),
        Arguments.of("then blue drains", AUTO, 5, 30, 4, 4, 0, 100, "drain=4 CONTINUE"),
        Arguments.of("done once blue is gone", AUTO, 5, 60, 0, 4, 0, 100, "DONE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("steps")
  void decides(String name, BlueGreen strategy, int step, int secondsIn, int blue, int ready,
      int launching, int weight, String expected) {
    PlanContext ctx = StepFleet.at(StepFleet.of(4, blue, ready, launching, weight), step,
        Duration.ofSeconds(secondsIn), false);

    Decision d = new BlueGreenPlanner(strategy).decide(ctx);

    assertThat(StepFleet.summary(d)).isEqualTo(expected);
    assertThat(d.totalSteps()).isEqualTo(6);
  }
}
