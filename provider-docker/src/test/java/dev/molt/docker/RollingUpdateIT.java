package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.docker.haproxy.HaproxyServer;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.TrafficLoad;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rolling updates of 5 real containers behind a real HAProxy, driven by the real engine. */
class RollingUpdateIT {
  private final DockerFixture docker = new DockerFixture();
  private HaproxyTrafficRouter router;
  private DockerProvider provider;
  private RolloutEngine engine;
  private RolloutSpec onV1;
  private LaunchSpec v2;

  @BeforeEach
  void fiveContainersOnV1() {
    DockerFixture.RoutedFleet fleet = docker.routedFleetOnV1(5);
    router = fleet.router();
    provider = fleet.provider();
    engine = fleet.engine();
    onV1 = fleet.onV1();
    v2 = DockerFixture.spec(docker.v2);
  }

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void rollingUpdateUnderContinuousRequestsFailsNoRequestAndEndsOnV2() {
    Rollout done;
    try (TrafficLoad load = TrafficLoad.start(docker.haproxy().frontend(), 2,
        Duration.ofMillis(5))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> load.answers().containsKey("v1"));

      done = engine.run(onV1.withTarget(v2));

      long seen = load.requests();
      await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > seen + 50);
      load.close();
      assertThat(load.failed()).as("failed requests; first failures: %s", load.failures())
          .isZero();
      assertThat(load.answers()).containsKeys("v1", "v2");
      assertThat(load.lastAnswer()).isEqualTo("v2");
    }
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<Instance> fleet = provider.observe(docker.fleet);
    assertThat(fleet).hasSize(5).allSatisfy(i -> {
      assertThat(i.revision()).isEqualTo(v2.revision());
      assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
    });
    assertThat(router.servers()).extracting(HaproxyServer::name)
        .containsExactlyInAnyOrderElementsOf(fleet.stream().map(Instance::id).toList());
  }

  @Test
  void containerKilledMidRolloutIsReplacedAndTheRolloutSucceeds() {
    RolloutHandle rollout = engine.start(onV1.withTarget(v2));
    String victim = await().atMost(Duration.ofSeconds(30)).until(() -> provider
        .observe(docker.fleet).stream()
        .filter(i -> i.revision().equals(v2.revision()) && i.state() == InstanceState.RUNNING)
        .map(Instance::id).findFirst(), Optional::isPresent).orElseThrow();

    docker.client.killContainerCmd(victim).exec();
    Rollout done = rollout.await();

    assertThat(done.phase()).as("rollout %s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.INSTANCE_FAILED)).isNotEmpty();
    List<Instance> fleet = provider.observe(docker.fleet);
    assertThat(fleet).hasSize(5).extracting(Instance::id).doesNotContain(victim);
    assertThat(fleet).allSatisfy(i -> assertThat(i.revision()).isEqualTo(v2.revision()));
    assertThat(docker.client.listContainersCmd().withShowAll(true)
        .withNameFilter(List.of(victim)).exec()).isEmpty();
  }
}
