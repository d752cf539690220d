package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.TrafficLoad;
import dev.molt.engine.RolloutHandle;
import dev.molt.strategy.BlueGreen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Blue-green of real containers behind a real HAProxy, driven by the real engine. */
class BlueGreenIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void undoAfterPromotionSwitchesTrafficBackToV1WithNoContainerStarted() throws Exception {
    DockerFixture.RoutedFleet fleet = docker.routedFleetOnV1(3);
    HaproxyTrafficRouter router = fleet.router();
    RolloutSpec onV1 = fleet.onV1();
    Revision v1 = onV1.target().revision();
    Revision v2 = DockerFixture.spec(docker.v2).revision();
    Rollout done;
    Set<String> before;
    List<String> created;
    try (TrafficLoad load = TrafficLoad.start(docker.haproxy().frontend(), 1,
        Duration.ofMillis(10))) {
      RolloutHandle blueGreen = fleet.engine().start(onV1.toBuilder().target(DockerFixture.spec(docker.v2))
          .strategy(BlueGreen.defaults().withScaleDownDelay(Duration.ofMinutes(10))).build());
      await().atMost(Duration.ofSeconds(60))
          .until(() -> router.served().equals(Map.of(v1, 0, v2, 100)));
      assertThat(docker.countAnswers("v2", 20)).isEqualTo(20);
      before = docker.containerIds();
      Instant undoAt = Instant.now();

      done = blueGreen.undo().await();
      assertThat(docker.countAnswers("v1", 20)).isEqualTo(20);
      load.close();
      created = createdSince(undoAt);
      LoggerFactory.getLogger(BlueGreenIT.class).info("requests={} failed={} created={}",
          load.requests(), load.failed(), created.size());
      assertThat(load.failed()).as("failed requests; first failures: %s", load.failures())
          .isZero();
      assertThat(load.answers()).containsKeys("v1", "v2");
    }
    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(created).as("containers created by the undo").isEmpty();
    assertThat(before).containsAll(docker.containerIds());
    assertThat(router.weights(docker.fleet)).isEqualTo(Map.of(v1, 100));
    assertThat(fleet.provider().observe(docker.fleet)).hasSize(3).extracting(Instance::revision)
        .containsOnly(v1);
  }

  /** The ids of this fleet's containers the engine reports created since {@code since}. */
  private List<String> createdSince(Instant since) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    String from = since.getEpochSecond() + "." + String.format("%09d", since.getNano());
    docker.client.eventsCmd().withSince(from)
        .withUntil(String.valueOf(Instant.now().getEpochSecond() + 1))
        .withEventFilter("create").withLabelFilter(Map.of(OwnerLabels.FLEET, docker.fleet))
        .exec(new ResultCallback.Adapter<Event>() {
          @Override
          public void onNext(Event event) {
            ids.add(event.getId());
          }
        }).awaitCompletion();
    return ids;
  }
}
