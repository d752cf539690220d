package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutPhase;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: under any random fault schedule (platform faults, refusals, hung and slow metrics, old
 * instances flapping and lost, a failing new revision, a person at the controls), with or without
 * an engine crash and resume, every invariant holds and the rollout ends SUCCEEDED or ROLLED_BACK
 * (a reconcile schedule SUCCEEDED, or FAILED where it stopped). Each case prints its seed; replay
 * one with {@code FaultCampaign.runOne(seed)} or {@code FaultCampaign --replay <seed>}.
 */
class FaultScheduleTest {
  private static final long CAMPAIGN_SEED = 20261122L;
  private static final int SCHEDULES_PER_STRATEGY = 150;

  static Stream<Arguments> schedules() {
    Random seeds = new Random(CAMPAIGN_SEED);
    return StrategyCase.ALL.stream().flatMap(strategy -> seeds.longs(SCHEDULES_PER_STRATEGY)
        .boxed().map(seed -> Arguments.of(strategy.name(), seed, strategy)));
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("schedules")
  void everyInvariantHoldsUnderARandomFaultSchedule(String name, long seed,
      StrategyCase strategy) {
    FaultCampaign.Outcome outcome = FaultCampaign.run(Schedule.draw(seed, strategy));
    // a reconcile never rolls back: it stops where it is (FAILED) when it cannot go on
    RolloutPhase giveUp = outcome.schedule().chaos().reconcile().isPresent()
        ? RolloutPhase.FAILED : RolloutPhase.ROLLED_BACK;

    assertThat(outcome.violations()).as("seed %d: %s", seed, outcome.schedule()).isEmpty();
    assertThat(outcome.phase()).as("seed %d: %s", seed, outcome.schedule())
        .hasValueSatisfying(p -> assertThat(p).isIn(RolloutPhase.SUCCEEDED, giveUp));
  }
}
