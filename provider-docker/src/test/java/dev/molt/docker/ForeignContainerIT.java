package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.HostConfig;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Containers without Molt's owner labels, even with Molt-like names, are never touched. */
class ForeignContainerIT {
  private final DockerFixture docker = new DockerFixture();
  private final List<String> foreign = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    foreign.forEach(id -> docker.client.removeContainerCmd(id).withForce(true).exec());
    docker.close();
  }

  private String run(String name, Map<String, String> labels) {
    String id = docker.client.createContainerCmd(docker.v1.reference()).withName(name)
        .withLabels(labels).withHostConfig(HostConfig.newHostConfig().withInit(true)).exec()
        .getId();
    docker.client.startContainerCmd(id).exec();
    foreign.add(id);
    return id;
  }

  private void assertUntouched() {
    for (String id : foreign) {
      var inspect = docker.client.inspectContainerCmd(id).exec();
      assertThat(inspect.getState().getRunning()).as("foreign %s running", id).isTrue();
    }
  }

  @Test
  void launchRefusesANameTakenByAForeignContainerAndLeavesIt() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec spec = DockerFixture.spec(docker.v1);
    String taken = ContainerNames.name(docker.fleet, spec.revision(), "ro-x-1", 0);
    run(taken, Map.of("app", "someone-else"));

    assertThatThrownBy(() -> provider.launch(new LaunchRequest(docker.fleet, spec, 1, "ro-x",
        "ro-x-1"))).isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(taken, "does not touch it");
        });
    assertUntouched();
    assertThat(provider.observe(docker.fleet)).isEmpty();
  }

  @Test
  void rolloutsAndCleanupLeaveLookalikesAlone() {
    run("molt-" + docker.fleet + "-r-0000000000-00000000-0", Map.of());
    run("molt-" + docker.fleet + "-lookalike", Map.of(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER,
        OwnerLabels.FLEET, docker.fleet + "-other"));
    DockerProvider provider = docker.provider(Optional.empty());
    RolloutEngine engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(500))
        .build();
    RolloutSpec spec = RolloutSpec.builder(docker.fleet).capacity(2)
        .target(DockerFixture.spec(docker.v1))
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))).build();

    assertThat(engine.run(spec).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(engine.run(spec.withTarget(DockerFixture.spec(docker.v2))).phase())
        .isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(provider.observe(docker.fleet)).hasSize(2)
        .noneMatch(i -> i.id().contains("lookalike") || i.id().contains("r-0000000000"));
    provider.terminate(docker.fleet, provider.observe(docker.fleet));

    assertThat(provider.observe(docker.fleet)).isEmpty();
    assertUntouched();
  }
}
