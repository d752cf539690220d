package dev.molt.engine.guarantees;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.inmemory.WeightChange;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.5: traffic never stays on a revision that has no healthy instance for longer than the
 * traffic grace: its weight goes back to the healthy revision in one router call and the failure
 * policy applies.
 */
class TrafficFollowsHealthTest {
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();
  static final Duration DIES_AFTER = Duration.ofMinutes(2);

  private static List<WeightChange> changes(Fixtures f) {
    return f.platform.weightHistory(Fixtures.FLEET);
  }

  /** When the first v2 instance stopped being healthy: its healthy spell was DIES_AFTER long. */
  private static Instant firstV2Death(Instant launchedAfter) {
    return launchedAfter.plus(Duration.ofSeconds(30)).plus(DIES_AFTER); // 20 s launch + 10 s health
  }

  @Test
  void aCanaryWhoseInstancesDieLosesItsWeightWithinTheGraceAndRollsBack() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(V2, InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))
        .turningUnhealthyAfter(DIES_AFTER));
    Instant start = f.time.now();

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), pause(Duration.ofHours(1)), setWeight(100))).build());

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("no healthy instance").contains("trafficGrace 10s"));
    WeightChange back = changes(f).stream().filter(c -> c.weights().getOrDefault(V2, 0) == 0
        && c.weights().getOrDefault(V1, 0) == 100).reduce((a, b) -> b).orElseThrow();
    Instant died = firstV2Death(start);
    // the grace, plus at most one poll interval (5 s) to see it
    assertThat(back.at()).isBetween(died, died.plus(Duration.ofSeconds(10 + 5)));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
    assertThat(f.count(Fixtures.V2)).isZero();
  }

  @Test
  void aDeadGreenAfterTheSwitchIsSwitchedBackToBlueWithinTheGrace() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(V2, InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))
        .turningUnhealthyAfter(DIES_AFTER));
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withScaleDownDelay(Duration.ofMinutes(30))).build());
    f.time.runUntil(() -> changes(f).stream().anyMatch(c -> c.weights().getOrDefault(V2, 0)
        == 100), f.time.now().plus(Duration.ofHours(1)));
    long launches = f.platform.callCount("launch");

    Rollout done = h.await();

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
    WeightChange switched = changes(f).stream().filter(c -> c.weights().getOrDefault(V2, 0) == 100)
        .findFirst().orElseThrow();
    WeightChange back = changes(f).get(changes(f).size() - 1);
    assertThat(back.weights()).containsEntry(V1, 100);
    assertThat(Duration.between(switched.at(), back.at()))
        .isLessThanOrEqualTo(DIES_AFTER.plusSeconds(10 + 5));
    assertThat(f.platform.callCount("launch")).isEqualTo(launches); // blue was kept: no relaunch
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void aWeightedRevisionThatRecoversWithinTheGraceKeepsItsWeight() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(V2, InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))
        .flapping(Duration.ofSeconds(4)));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .trafficGrace(Duration.ofSeconds(10))
        .strategy(Canary.of(setWeight(25), pause(Duration.ofMinutes(2)), setWeight(100))).build());

    assertThat(done.reason().orElse("")).doesNotContain("no healthy instance");
    assertThat(changes(f)).extracting(WeightChange::weights).contains(Map.of(V1, 75, V2, 25));
  }

  @Test
  void aSplitNeverSendsWeightToARevisionWhoseInstancesWereAllLost() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 2)
        .strategy(Canary.of(setWeight(50), pause(Duration.ofMinutes(5)), setWeight(100))).build());
    f.time.runUntil(() -> f.platform.callCount("launch") > 0, f.time.now().plusSeconds(30));
    // the platform loses every v1 instance while the canary starts: nothing of v1 can serve
    f.platform.instances(Fixtures.FLEET).stream().filter(i -> i.revision().equals(V1))
        .forEach(i -> f.platform.failHealth(i.id()));

    h.await();

    assertThat(changes(f)).isNotEmpty().allSatisfy(c -> assertThat(c.weights()
        .getOrDefault(V1, 0)).as("weight on dead v1 in %s", c).isZero());
  }
}
