package dev.molt.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Image;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignHandle;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetProgress;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.RolloutStore;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link RolloutStoreEngineContract}'s campaign rule: a patch-wave campaign kept in the store
 * by a process that dies mid-wave is resumed by another process (new engines, a new campaign
 * driver) and ends as it would have; a store that keeps no campaigns is refused before anything
 * is rebuilt.
 */
final class CampaignCrash {
  private static final Image BASE_V1 = SimulatedPlatform.spec("base-1").image();
  private static final Image BASE_V2 = SimulatedPlatform.spec("base-2").image();
  private static final BaseChange CHANGE = new BaseChange(BASE_V1, BASE_V2);

  private final VirtualTime time;
  private final InMemoryProvider platform;
  private final RolloutStore store;
  private final Function<String, RolloutEngine> engines;
  private final FakeImageRebuild rebuild = FakeImageRebuild.create();

  CampaignCrash(VirtualTime time, InMemoryProvider platform, RolloutStore store,
      Function<String, RolloutEngine> engines) {
    this.time = time;
    this.platform = platform;
    this.store = store;
    this.engines = engines;
  }

  void resumesAfterACrashOrIsRefused() {
    RolloutEngine first = engines.apply("engine-a");
    List<CampaignFleet> fleets = new ArrayList<>();
    for (String name : List.of("dev-a", "dev-b", "prod-a")) {
      LaunchSpec app = SimulatedPlatform.spec(name + "-1");
      LaunchSpec onBase = app.withImage(app.image().withBase(BASE_V1));
      RolloutSpec spec = RolloutSpec.builder(name).capacity(2).target(onBase).build();
      assertThat(first.run(spec).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      fleets.add(CampaignFleet.of(spec, Map.of("tier", name.substring(0, name.indexOf('-')))));
    }
    CampaignSpec.Builder b = CampaignSpec.builder("base-2", CHANGE);
    fleets.forEach(b::fleet);
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev"))
        .withBake(Duration.ofMinutes(5))).wave(Wave.matching("prod", Map.of("tier", "prod")))
        .build();
    if (!store.keepsCampaigns()) {
      assertThatThrownBy(() -> campaigns(first, "campaigns-a").start(spec))
          .isInstanceOf(InvalidSpecException.class).hasMessageContaining("does not keep campaigns");
      assertThat(rebuild.rebuilt()).isEmpty();
      return;
    }
    AtomicInteger events = new AtomicInteger();
    Campaigns[] dying = new Campaigns[1];
    dying[0] = Campaigns.builder(rebuild).engine(first).time(time).store(store)
        .identity("campaigns-a").listener((c, e) -> {
          if (e.type() == CampaignEvent.Type.FLEET_STARTED && events.incrementAndGet() == 2) {
            dying[0].shutdownNow(); // both dev fleets roll: the process dies here
            first.shutdownNow();
          }
        }).build();
    CampaignHandle before = dying[0].start(spec);
    time.runUntil(() -> events.get() >= 2, time.now().plus(Duration.ofHours(1)));
    assertThat(store.unfinishedCampaigns()).singleElement()
        .satisfies(c -> assertThat(c.id()).isEqualTo(before.id()));
    time.advance(Duration.ofSeconds(31)); // every lease of the dead process lapses

    RolloutEngine second = engines.apply("engine-b");
    second.resumeAll();
    Campaign done = campaigns(second, "campaigns-b").resume(spec).await();

    assertThat(done.id()).isEqualTo(before.id());
    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.fleets()).allMatch(f -> f.status() == FleetStatus.SUCCEEDED);
    for (FleetProgress f : done.fleets()) {
      assertThat(platform.instances(f.fleet())).as(f.fleet()).hasSize(2)
          .allMatch(i -> i.revision().equals(f.target().orElseThrow()));
    }
    assertThat(rebuild.rebuilt()).as("no fleet rebuilt twice")
        .containsExactlyInAnyOrder("dev-a", "dev-b", "prod-a");
    assertThat(store.unfinishedCampaigns()).isEmpty();
    assertThat(store.campaign(before.id())).hasValueSatisfying(c -> assertThat(c.finished())
        .isTrue());
  }

  private Campaigns campaigns(RolloutEngine engine, String identity) {
    return Campaigns.builder(rebuild).engine(engine).time(time).store(store).identity(identity)
        .build();
  }
}
