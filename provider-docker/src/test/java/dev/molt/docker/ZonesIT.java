package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Zones on Docker: a launch's {@code LaunchRequest.zone} (else the provider's host zone) labels its
 * containers, the provider reports it in {@link OwnerLabels#ZONE}, and a zonal rolling update
 * replaces the fleet zone by zone, each new container asked for (and labelled with) the zone of
 * the one it replaces.
 */
class ZonesIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void aLaunchInAZoneLabelsItsContainersAndTheProviderReportsTheZone() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec v1 = DockerFixture.spec(docker.v1);

    provider.launch(new LaunchRequest(docker.fleet, v1, 2, "ro-test", "ro-test-a").inZone("a"));

    assertThat(docker.client.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.FLEET, docker.fleet)).exec())
        .hasSize(2).allSatisfy(c -> assertThat(c.getLabels()).containsEntry(OwnerLabels.ZONE, "a"));
    assertThat(provider.observe(docker.fleet)).hasSize(2)
        .allSatisfy(i -> assertThat(i.labels()).containsEntry(OwnerLabels.ZONE, "a"));
  }

  @Test
  void theHostsZoneLabelsLaunchesThatAskForNone() {
    try (DockerProvider host = DockerProvider.builder(docker.client).zone("host-1")
        .stopGrace(Duration.ofSeconds(5)).build()) {
      LaunchSpec v1 = DockerFixture.spec(docker.v1);
      host.launch(new LaunchRequest(docker.fleet, v1, 1, "ro-test", "ro-test-1"));
      host.launch(new LaunchRequest(docker.fleet, v1, 1, "ro-test", "ro-test-2").inZone("b"));

      assertThat(host.observe(docker.fleet)).extracting(i -> i.labels().get(OwnerLabels.ZONE))
          .containsExactlyInAnyOrder("host-1", "b");
    }
  }

  @Test
  void aZonalRollingUpdateReplacesTheFleetZoneByZone() throws Exception {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec v1 = DockerFixture.spec(docker.v1);
    LaunchSpec v2 = DockerFixture.spec(docker.v2);
    provider.launch(new LaunchRequest(docker.fleet, v1, 2, "ro-test", "ro-test-a").inZone("a"));
    provider.launch(new LaunchRequest(docker.fleet, v1, 2, "ro-test", "ro-test-b").inZone("b"));
    List<String> launchedIn = new CopyOnWriteArrayList<>();
    RolloutEngine engine = RolloutEngine.builder(new ForwardingProvider(provider) {
      @Override
      public List<Instance> launch(LaunchRequest request) {
        List<Instance> out = super.launch(request);
        out.forEach(i -> launchedIn.add(i.labels().getOrDefault(OwnerLabels.ZONE, "none")));
        return out;
      }
    }).pollInterval(Duration.ofMillis(500)).build();
    RollingUpdate zonal = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(60))
        .withZones(ZonalRollout.of(Duration.ZERO, Amount.of(1)));

    Rollout done = engine.run(RolloutSpec.builder(docker.fleet).capacity(4).target(v2)
        .strategy(zonal).build());

    assertThat(done.phase()).as("%s", done).isEqualTo(RolloutPhase.SUCCEEDED);
    List<Instance> fleet = provider.observe(docker.fleet);
    assertThat(fleet).hasSize(4).allMatch(i -> i.revision().equals(v2.revision()));
    assertThat(fleet.stream().collect(Collectors.groupingBy(
        i -> i.labels().getOrDefault(OwnerLabels.ZONE, "none"), Collectors.counting())))
        .isEqualTo(Map.of("a", 2L, "b", 2L));
    // zone a was replaced before zone b began
    assertThat(launchedIn).containsExactly("a", "a", "b", "b");
  }
}
