package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 2: a launch interrupted after {@code create} (the engine process died, the call
 * timed out) leaves a container in {@code Created}; the relaunch of the same request starts it
 * instead of leaving it to wait out the healthy deadline; and the leftover of an engine that
 * crashed between create and start, which no relaunch of its key will ever come for, is observed
 * failed and replaced at once.
 */
class InterruptedLaunchIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  /** What the first attempt of {@code request} had done when it was cut off: the create only. */
  private String createdButNotStarted(LaunchRequest request, int index) {
    Map<String, String> labels = new LinkedHashMap<>(request.ownerLabels());
    labels.put(DockerLabels.LAUNCH_KEY, request.requestKey());
    labels.put(DockerLabels.HEALTH, DockerLabels.health(request.spec().healthCheck()));
    labels.put(DockerLabels.PORT, "80");
    ExposedPort http = ExposedPort.tcp(80);
    return docker.client.createContainerCmd(request.spec().image().reference())
        .withName(ContainerNames.name(request.fleet(), request.revision(), request.requestKey(),
            index))
        .withLabels(labels).withExposedPorts(http)
        .withHostConfig(HostConfig.newHostConfig().withInit(true)
            .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), http)))
        .exec().getId();
  }

  @Test
  void aRelaunchWithTheSameKeyStartsTheContainerItsFirstAttemptCreated() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec spec = DockerFixture.spec(docker.v1);
    LaunchRequest request = new LaunchRequest(docker.fleet, spec, 2, "ro-cut", "ro-cut-1");
    String leftover = createdButNotStarted(request, 0);
    assertThat(docker.client.inspectContainerCmd(leftover).exec().getState().getStatus())
        .isEqualTo("created");
    assertThat(provider.observe(docker.fleet)).singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.LAUNCHING));

    List<Instance> launched = provider.launch(request);

    assertThat(launched).hasSize(2);
    assertThat(docker.containerIds()).as("the leftover was reused, one container added")
        .hasSize(2).contains(leftover);
    assertThat(docker.client.inspectContainerCmd(leftover).exec().getState().getRunning())
        .as("the leftover runs").isTrue();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<Instance> seen = provider.observe(docker.fleet);
      return seen.size() == 2 && provider.health(docker.fleet, seen).values().stream()
          .allMatch(h -> h == Health.HEALTHY);
    });
    assertThat(provider.launch(request)).as("a third attempt adds nothing").hasSize(2);
    assertThat(docker.containerIds()).hasSize(2);
  }

  @Test
  void aCreatedLeftoverOfACrashedEngineIsReplacedWithoutWaitingForItsHealthyDeadline()
      throws Exception {
    try (DockerProvider provider = DockerProvider.builder(docker.client)
        .stopGrace(Duration.ofSeconds(5)).createdLeftoverAfter(Duration.ofSeconds(1)).build()) {
      RolloutEngine engine = DockerFixture.engine(provider);
      RolloutSpec onV1 = RolloutSpec.builder(docker.fleet).capacity(2)
          .target(DockerFixture.spec(docker.v1))
          .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))).build();
      assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      LaunchSpec v2 = DockerFixture.spec(docker.v2);
      // what a rollout to v2 had done when its engine crashed: one create, no start
      String leftover = createdButNotStarted(new LaunchRequest(docker.fleet, v2, 1, "ro-crashed",
          "ro-crashed-1"), 0);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
          provider.observe(docker.fleet).stream().anyMatch(i -> i.state() == InstanceState.FAILED));
      assertThat(provider.observe(docker.fleet)).filteredOn(i -> i.revision().equals(v2.revision()))
          .singleElement().satisfies(i -> assertThat(i.labels())
              .doesNotContainKey(dev.molt.OwnerLabels.FAILURE));

      // surge 1: with the leftover counted as launching, nothing else could launch for 5 minutes
      Rollout done = engine.start(onV1.toBuilder().target(v2)
          .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))).build())
          .completion().get(60, TimeUnit.SECONDS);

      assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      assertThat(docker.containerIds()).hasSize(2).doesNotContain(leftover);
      assertThat(provider.observe(docker.fleet)).hasSize(2)
          .allMatch(i -> i.revision().equals(v2.revision()));
    }
  }
}
