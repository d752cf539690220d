package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.RolloutPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Killing the engine after every single event of a rollout, then resuming with a fresh engine from
 * the store once the lease lapsed, always ends SUCCEEDED (healthy new revision) or ROLLED_BACK
 * (broken new revision), with every invariant held and nothing orphaned.
 */
class CrashAtEveryStepTest {

  static Stream<Arguments> cases() {
    return StrategyCase.ALL.stream().flatMap(strategy -> Stream.of(
        Arguments.of(strategy.name(), strategy, false, RolloutPhase.SUCCEEDED),
        Arguments.of(strategy.name(), strategy, true, RolloutPhase.ROLLED_BACK)));
  }

  @ParameterizedTest(name = "{0} broken={2} ends {3}")
  @MethodSource("cases")
  void aCrashAfterAnyEventIsResumedToTheRightEnd(String name, StrategyCase strategy,
      boolean broken, RolloutPhase expected) {
    Schedule base = Schedule.draw(7L, strategy);
    FaultPlan plan = FaultPlan.none().withLatencies(Latency.fixed(java.time.Duration.ofSeconds(20)),
        Latency.fixed(java.time.Duration.ofSeconds(10)))
        .withNeverHealthy(broken ? 1 : 0).onlyFor(base.spec().target().revision());
    Schedule schedule = base.withPlan(plan);

    List<String> failures = new ArrayList<>();
    int crashes = 0;
    for (int k = 1; ; k++) {
      FaultCampaign.Outcome outcome = FaultCampaign.run(schedule.withCrashAfter(k));
      if (!outcome.violations().isEmpty() || !outcome.phase().equals(java.util.Optional.of(
          expected))) {
        failures.add("crash after event " + k + ": ended " + outcome.phase() + " "
            + outcome.violations());
      }
      if (!outcome.crashed()) {
        break; // k is past the last event: every step was covered
      }
      crashes++;
    }

    assertThat(failures).as("%s", schedule).isEmpty();
    assertThat(crashes).as("steps crashed at").isGreaterThan(5);
  }
}
