package dev.molt.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.spi.Provider;
import dev.molt.testkit.conformance.RoutedProviderContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test kit's routed provider contract on a real Docker Engine, with the HAProxy router (so the
 * contract's traffic clauses run against a real HAProxy).
 */
class DockerProviderContractIT extends RoutedProviderContract {
  private DockerFixture docker;
  private final List<String> foreign = new ArrayList<>();

  @Override
  protected Provider createProvider() {
    docker = new DockerFixture();
    return docker.provider(Optional.of(docker.router()));
  }

  @Override
  protected LaunchSpec launchSpec() {
    return DockerFixture.spec(docker.v1);
  }

  @Override
  protected LaunchSpec otherLaunchSpec() {
    return launchSpec().toBuilder().env("MOLT_CONTRACT_REVISION", "2").build();
  }

  /** Docker labels each container with the zone asked for (its one host places nothing). */
  @Override
  protected List<String> placementZones() {
    return List.of("zone-a", "zone-b");
  }

  @Override
  protected Duration healthDeadline() {
    return Duration.ofSeconds(20);
  }

  /**
   * The container is paused: its server stops answering, so the provider's HTTP probe (through
   * the published port) times out, as for a hung process. Docker still lists it as running.
   */
  @Override
  protected void failHealth(String fleet, Instance instance) {
    docker.client.pauseContainerCmd(instance.id()).exec();
  }

  @Override
  protected void restoreHealth(String fleet, Instance instance) {
    docker.client.unpauseContainerCmd(instance.id()).exec();
  }

  /** A running container named like Molt's, with Molt's fleet label but no manager label. */
  @Override
  protected String createForeignInstance(String fleet) {
    String name = "molt-" + fleet + "-foreign";
    String id = docker.client.createContainerCmd(docker.v1.reference()).withName(name)
        .withLabels(Map.of("molt.dev/fleet", fleet, "app", "not-molt"))
        .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
    docker.client.startContainerCmd(id).exec();
    foreign.add(id);
    return name;
  }

  @Override
  protected boolean exists(String instanceId) {
    try {
      return docker.client.inspectContainerCmd(instanceId).exec().getState().getRunning();
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Override
  protected void cleanUp(Provider tested) {
    foreign.forEach(id -> docker.client.removeContainerCmd(id).withForce(true).exec());
    docker.terminateAll(fleetsUsed());
    try {
      docker.close();
    } catch (Exception e) {
      throw new IllegalStateException("cleaning up the Docker fixture", e);
    }
  }
}
