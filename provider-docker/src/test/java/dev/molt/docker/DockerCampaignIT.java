package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.ImageRebuild;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.invariants.CampaignChecker;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One patch-wave campaign over two fleets of real containers and one in-memory fleet, each
 * platform through its own engine: the Docker fleets' rebuilt image is the real v2 test image on
 * the new base, and every container ends on it, within the exposure budget at every event.
 */
class DockerCampaignIT {
  private static final Image BASE_V1 = SimulatedPlatform.spec("base-v1").image();
  private static final Image BASE_V2 = SimulatedPlatform.spec("base-v2").image();
  private static final BaseChange CHANGE = new BaseChange(BASE_V1, BASE_V2);
  private static final Duration MS_100 = Duration.ofMillis(100);

  private final DockerFixture docker = new DockerFixture();
  private final String canary = docker.fleet + "-canary";
  private final String web = docker.fleet + "-web";
  private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
  private final Scheduler scheduler = Scheduler.of(threads);
  private final Clock clock = Clock.systemUTC();
  private RolloutEngine dockerEngine;
  private RolloutEngine memoryEngine;

  @AfterEach
  void cleanUp() throws Exception {
    if (dockerEngine != null) {
      dockerEngine.close();
    }
    if (memoryEngine != null) {
      memoryEngine.close();
    }
    threads.shutdownNow();
    docker.terminateAll(List.of(canary, web));
    docker.close();
  }

  private RolloutSpec onV1(String fleet, int capacity, LaunchSpec target) {
    return RolloutSpec.builder(fleet).capacity(capacity).target(target)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withHealthyDeadline(Duration.ofSeconds(60)))
        .drainTimeout(Duration.ofSeconds(30)).build();
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aCampaignReplacesRealContainersAndInMemoryInstancesEachThroughItsOwnEngine()
      throws Exception {
    LaunchSpec dockerV1 = DockerFixture.spec(docker.v1.withBase(BASE_V1));
    LaunchSpec memoryV1 = SimulatedPlatform.spec("api-1");
    memoryV1 = memoryV1.withImage(memoryV1.image().withBase(BASE_V1));
    CampaignSpec spec = CampaignSpec.builder("docker-patch", CHANGE)
        .fleet(CampaignFleet.of(onV1(canary, 2, dockerV1), Map.of("ring", "canary"))
            .onEngine("docker"))
        .fleet(CampaignFleet.of(onV1(web, 3, dockerV1), Map.of("ring", "rest"))
            .onEngine("docker"))
        .fleet(CampaignFleet.of(onV1("mem-api", 2, memoryV1), Map.of("ring", "rest"))
            .onEngine("memory"))
        .wave(Wave.matching("canary", Map.of("ring", "canary")))
        .wave(Wave.matching("rest", Map.of("ring", "rest")).withMaxConcurrentFleets(2))
        .maxExposure(75).build();
    DockerProvider containers = docker.provider(Optional.empty());
    InMemoryProvider memory = InMemoryProvider.builder(clock, scheduler)
        .defaultBehavior(InstanceBehavior.healthy(MS_100, MS_100).withDrainTime(MS_100)).build();
    CampaignChecker checker = CampaignChecker.ofProviders(spec, Map.<String, Provider>of(
        "docker", containers, "memory", memory));
    dockerEngine = RolloutEngine.builder(containers).pollInterval(Duration.ofMillis(500))
        .listener(checker).identity("engine-docker").build();
    memoryEngine = RolloutEngine.builder(memory).clock(clock).scheduler(scheduler)
        .pollInterval(MS_100).listener(checker).identity("engine-memory").build();
    for (CampaignFleet f : spec.fleets()) {
      RolloutEngine engine = f.engine().equals("docker") ? dockerEngine : memoryEngine;
      assertThat(engine.run(f.rollout()).phase()).as(f.name()).isEqualTo(RolloutPhase.SUCCEEDED);
    }
    ImageRebuild pipeline = (fleet, current, change) -> fleet.equals("mem-api")
        ? FakeImageRebuild.create().rebuild(fleet, current, change)
        : current.withImage(docker.v2.withBase(change.to())); // the "rebuilt" image is real

    Campaign done = Campaigns.builder(pipeline).engine("docker", dockerEngine)
        .engine("memory", memoryEngine).clock(clock).scheduler(scheduler).listener(checker)
        .seed(3).build().start(spec).completion().get(150, TimeUnit.SECONDS);

    assertThat(done.phase()).as("%s", done).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.count(FleetStatus.SUCCEEDED)).isEqualTo(3);
    assertThat(checker.violations()).isEmpty();
    assertThat(checker.checks()).isGreaterThan(10);
    assertThat(done.peakExposure()).isLessThanOrEqualTo(spec.exposureBudget()).isEqualTo(5);
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.FLEET_STARTED)
        .extracting(e -> e.fleet().orElseThrow()).first().isEqualTo(canary);
    for (String fleet : List.of(canary, web)) {
      List<Instance> running = containers.observe(fleet);
      Map<String, Health> health = containers.health(fleet, running);
      assertThat(running).as(fleet).hasSize(fleet.equals(canary) ? 2 : 3).allSatisfy(i -> {
        assertThat(i.revision()).isEqualTo(done.fleet(fleet).orElseThrow().target()
            .orElseThrow());
        assertThat(health.get(i.id())).as(i.id()).isEqualTo(Health.HEALTHY);
      });
    }
    assertThat(memory.instances("mem-api")).hasSize(2).allSatisfy(i -> assertThat(i.revision())
        .isEqualTo(done.fleet("mem-api").orElseThrow().target().orElseThrow()));
  }
}
