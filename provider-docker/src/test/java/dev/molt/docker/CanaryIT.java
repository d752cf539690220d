package dev.molt.docker;

import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.TrafficLoad;
import dev.molt.engine.RolloutHandle;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A canary of real containers behind a real HAProxy, driven by the real engine. */
class CanaryIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void aCanaryAt20PercentAnswersV2ForAFifthOf1000RequestsThenPromotionEndsOnV2() {
    DockerFixture.RoutedFleet fleet = docker.routedFleetOnV1(5);
    HaproxyTrafficRouter router = fleet.router();
    RolloutSpec onV1 = fleet.onV1();
    Revision v1 = onV1.target().revision();
    Revision v2 = DockerFixture.spec(docker.v2).revision();
    Rollout done;
    int v2Answers;
    try (TrafficLoad load = TrafficLoad.start(docker.haproxy().frontend(), 1,
        Duration.ofMillis(10))) {
      RolloutHandle canary = fleet.engine().start(onV1.toBuilder()
          .target(DockerFixture.spec(docker.v2))
          .strategy(Canary.of(setWeight(20), pauseUntilResumed())).build());
      await().atMost(Duration.ofSeconds(60)).until(() -> canary.current().step() == 1
          && router.served().equals(Map.of(v1, 80, v2, 20)));
      assertThat(router.weights(docker.fleet)).isEqualTo(Map.of(v1, 80, v2, 20));

      v2Answers = docker.countAnswers("v2", 1000);
      LoggerFactory.getLogger(CanaryIT.class).info("v2Answers={} of 1000 at weight 20%", v2Answers);
      canary.promote();
      done = canary.await();
      load.close();
      LoggerFactory.getLogger(CanaryIT.class).info("requests={} failed={}", load.requests(),
          load.failed());
      assertThat(load.failed()).as("failed requests; first failures: %s", load.failures())
          .isZero();
      assertThat(load.lastAnswer()).isEqualTo("v2");
    }
    assertThat(v2Answers).as("v2 answers of 1000 at weight 20%").isBetween(150, 250);
    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.TRAFFIC_SHIFTED)).extracting(RolloutEvent::message)
        .containsExactly("traffic: " + v1.id() + "=80% " + v2.id() + "=20%",
            "traffic: " + v1.id() + "=0% " + v2.id() + "=100%");
    assertThat(fleet.provider().observe(docker.fleet)).hasSize(5).extracting(Instance::revision)
        .containsOnly(v2);
  }

  @Test
  void aReadyCanaryServesNoRequestBeforeItsFirstSplitEvenWithAMinReadyTime() {
    DockerFixture.RoutedFleet fleet = docker.routedFleetOnV1(5);
    HaproxyTrafficRouter router = fleet.router();
    RolloutSpec onV1 = fleet.onV1();
    Revision v2 = DockerFixture.spec(docker.v2).revision();
    // the canary waits 10 s in rotation before its 20% step: without the launch's hold, HAProxy
    // would give it an even share (1 in 6) all that time
    RolloutHandle canary = fleet.engine().start(onV1.toBuilder()
        .target(DockerFixture.spec(docker.v2))
        .strategy(Canary.of(setWeight(20), pauseUntilResumed())
            .withPromotion(RollingUpdate.defaults().withMinReadyTime(Duration.ofSeconds(10))))
        .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> canaryInRotation(fleet, v2));
    int v2Answers = docker.countAnswers("v2", 100);
    boolean splitStillUnset = canary.current().step() == 0;

    canary.abort("test done");
    Rollout done = canary.await();

    assertThat(splitStillUnset).as("the 100 requests were sent before the first split").isTrue();
    assertThat(v2Answers).as("v2 answers of 100 before the canary's first split").isZero();
    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(fleet.provider().observe(docker.fleet)).extracting(Instance::revision)
        .doesNotContain(v2);
  }

  /** A v2 container's server is in HAProxy's rotation (admitted: healthy, not in maintenance). */
  private boolean canaryInRotation(DockerFixture.RoutedFleet fleet, Revision v2) {
    Set<String> canaries = fleet.provider().observe(docker.fleet).stream()
        .filter(i -> i.revision().equals(v2)).map(Instance::id)
        .collect(Collectors.toSet());
    return fleet.router().servers().stream()
        .anyMatch(s -> canaries.contains(s.name()) && s.inRotation());
  }
}
