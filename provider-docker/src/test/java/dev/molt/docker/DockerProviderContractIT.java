package dev.molt.docker;

import com.github.dockerjava.api.model.HostConfig;
import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The provider contract on a real Docker Engine. */
class DockerProviderContractIT extends ProviderContract {
  private final DockerFixture docker = new DockerFixture();
  private final DockerProvider provider = docker.provider(Optional.empty());
  private final List<String> foreign = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    foreign.forEach(id -> docker.client.removeContainerCmd(id).withForce(true).exec());
    docker.close();
  }

  @Override
  Provider provider() {
    return provider;
  }

  @Override
  String fleet() {
    return docker.fleet;
  }

  @Override
  LaunchSpec healthySpec() {
    return DockerFixture.spec(docker.v1);
  }

  @Override
  Duration healthDeadline() {
    return Duration.ofSeconds(20);
  }

  /** A running container named like Molt's, with Molt's label for another fleet only. */
  @Override
  String createForeign() {
    String id = docker.client.createContainerCmd(docker.v1.reference())
        .withName("molt-" + docker.fleet + "-foreign")
        .withLabels(Map.of("molt.dev/fleet", docker.fleet, "app", "not-molt"))
        .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
    docker.client.startContainerCmd(id).exec();
    foreign.add(id);
    return "molt-" + docker.fleet + "-foreign";
  }

  @Override
  boolean foreignIntact(String name) {
    var inspect = docker.client.inspectContainerCmd(name).exec();
    return inspect.getState().getRunning() && foreign.contains(inspect.getId());
  }
}
