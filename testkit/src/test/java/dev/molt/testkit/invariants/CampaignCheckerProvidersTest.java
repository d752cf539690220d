package dev.molt.testkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Provider;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CampaignChecker#ofProviders}: a campaign's fleets on several platforms, each read through
 * a provider that is not a simulated platform, are checked together.
 */
class CampaignCheckerProvidersTest {
  private static final Image BASE_V1 = SimulatedPlatform.spec("base-v1").image();
  private static final BaseChange CHANGE = new BaseChange(BASE_V1,
      SimulatedPlatform.spec("base-v2").image());

  private final SimulatedPlatform sim = SimulatedPlatform.create(3);
  private final InMemoryProvider cloud = InMemoryProvider.builder(sim.time()).build();

  @Test
  void breachesSummedOverTwoPlatformsReadThroughTheirProvidersAreReported() {
    RolloutSpec a = rollout("a");
    RolloutSpec b = rollout("b");
    CampaignSpec spec = CampaignSpec.builder("patch", CHANGE).maxExposure(50)
        .fleet(CampaignFleet.of(a, Map.of("tier", "dev")))
        .fleet(new CampaignFleet(b, Map.of("tier", "dev"), "cloud"))
        .wave(Wave.matching("dev", Map.of("tier", "dev")).withMaxConcurrentFleets(2)).build();
    CampaignChecker checker = CampaignChecker.ofProviders(spec, Map.of(
        CampaignFleet.DEFAULT_ENGINE, opaque(sim.provider()), "cloud", opaque(cloud)));
    sim.listen(checker);
    RolloutEngine engine = sim.engine();
    RolloutEngine cloudEngine = RolloutEngine.builder(cloud).time(sim.time()).listener(checker)
        .pollInterval(Duration.ofSeconds(5)).build();
    sim.deploy("a", a.target(), 2);
    assertThat(cloudEngine.run(b).phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    // each fleet alone (2 instances) fits the budget of 2; together, on two platforms, not
    FakeImageRebuild rebuild = FakeImageRebuild.create();
    var first = engine.start(a.withTarget(rebuild.rebuild("a", a.target(), CHANGE)));
    var second = cloudEngine.start(b.withTarget(rebuild.rebuild("b", b.target(), CHANGE)));
    assertThat(first.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(second.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    assertThat(checker.violations()).anyMatch(v -> v.startsWith("exposure:")
        && v.contains("4 serving instances run unproven revisions, over the budget of 2"));
  }

  @Test
  void aFleetOnAnEngineWithoutAProviderIsRefused() {
    CampaignSpec spec = CampaignSpec.builder("patch", CHANGE)
        .fleet(new CampaignFleet(rollout("b"), Map.of("tier", "dev"), "cloud"))
        .wave(Wave.matching("dev", Map.of("tier", "dev"))).build();

    assertThatThrownBy(() -> CampaignChecker.ofProviders(spec, Map.of(
        CampaignFleet.DEFAULT_ENGINE, sim.provider())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fleet b runs on engine cloud, which the checker has no platform");
  }

  @Test
  void aMachineImageIsRebuiltAsAnotherMachineImage() {
    Image ami = Image.of("ami-0123456789abcdef0", "web-1").withBase(BASE_V1);

    Image rebuilt = FakeImageRebuild.rebuild(ami, CHANGE);

    assertThat(rebuilt.reference()).matches("ami-[0-9a-f]{17}").isNotEqualTo(ami.reference())
        .isEqualTo(FakeImageRebuild.rebuild(ami, CHANGE).reference());
    assertThat(rebuilt.base()).contains(CHANGE.to());
  }

  private static RolloutSpec rollout(String name) {
    LaunchSpec spec = LaunchSpec.builder(SimulatedPlatform.spec("app-" + name).image()
        .withBase(BASE_V1)).ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
    return RolloutSpec.builder(name).capacity(2).target(spec).build();
  }

  /** The provider alone, as the checker sees a platform it cannot read directly. */
  private static Provider opaque(Provider p) {
    return new ForwardingProvider(p) { };
  }
}
