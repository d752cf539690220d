package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Measurement;
import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Campaigns run end to end on the in-memory platform, in virtual time. */
class CampaignRunTest {
  private final List<Rollout> ended = new CopyOnWriteArrayList<>();
  private final CampaignFixture fx = new CampaignFixture((r, e) -> {
    if (r.isDone()) {
      ended.add(r);
    }
  });

  private CampaignSpec.Builder threeTiers() {
    fx.fleet("dev-a", 2, Map.of("tier", "dev"), false);
    fx.fleet("dev-b", 2, Map.of("tier", "dev"), true);
    fx.fleet("prod-a", 3, Map.of("tier", "prod"), false);
    fx.fleet("prod-b", 3, Map.of("tier", "prod"), false);
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    return b.wave(Wave.matching("dev", Map.of("tier", "dev")).withMaxConcurrentFleets(2))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withMaxConcurrentFleets(2));
  }

  private void settle() {
    ended.clear();
  }

  @Test
  void replacesEveryFleetBuiltOnTheOldBaseWaveByWave() {
    CampaignSpec spec = threeTiers().maxExposure(50).build();
    settle();

    Campaign done = fx.campaigns().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.count(FleetStatus.SUCCEEDED)).isEqualTo(4);
    for (CampaignFleet f : fx.fleets) {
      Instance any = fx.platform.instances(f.name()).get(0);
      FleetProgress p = done.fleet(f.name()).orElseThrow();
      assertThat(fx.platform.instances(f.name())).as(f.name()).hasSize(f.capacity())
          .allMatch(i -> i.revision().equals(p.target().orElseThrow()) && i.isHealthy());
      assertThat(any.revision()).isNotEqualTo(p.from());
    }
    // each fleet kept its own rollout, which ended SUCCEEDED with its own record
    assertThat(ended).extracting(Rollout::fleet)
        .containsExactlyInAnyOrder("dev-a", "dev-b", "prod-a", "prod-b");
    assertThat(ended).allMatch(r -> r.phase() == RolloutPhase.SUCCEEDED);
    assertThat(fx.rebuilt.subList(0, 2)).containsExactlyInAnyOrder("dev-a", "dev-b");
    assertThat(done.peakExposure()).isLessThanOrEqualTo(spec.exposureBudget());
  }

  @Test
  void aFailedFleetIsRolledBackByItsRolloutAndTheCampaignGoesOnWithinMaxFailures() {
    CampaignSpec spec = threeTiers().maxExposure(50).maxFailures(Amount.of(1)).build();
    fx.broken.add("dev-b");

    Campaign done = fx.campaigns().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.fleet("dev-b").orElseThrow().status()).isEqualTo(FleetStatus.ROLLED_BACK);
    assertThat(done.count(FleetStatus.SUCCEEDED)).isEqualTo(3);
    LaunchSpec old = fx.fleets.get(1).rollout().target();
    assertThat(fx.platform.instances("dev-b")).hasSize(2)
        .allMatch(i -> i.revision().equals(old.revision()) && i.isHealthy());
  }

  @Test
  void pastMaxFailuresTheCampaignHaltsAndRollsBackTheFleetsItChanged() {
    CampaignSpec spec = threeTiers().maxExposure(50).maxFailures(Amount.of(0))
        .rollBackOnHalt(true).build();
    fx.broken.add("prod-a");

    Campaign done = fx.campaigns().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("1 fleets failed (prod-a), more than maxFailures=0"));
    assertThat(done.count(FleetStatus.REVERTED)).isEqualTo(2); // the dev wave
    for (CampaignFleet f : fx.fleets) {
      assertThat(fx.platform.instances(f.name())).as(f.name()).hasSize(f.capacity())
          .allMatch(i -> i.revision().equals(f.rollout().target().revision()) && i.isHealthy());
    }
  }

  @Test
  void pastMaxFailuresWithoutRollBackTheChangedFleetsStay() {
    CampaignSpec spec = threeTiers().maxExposure(50).build();
    fx.broken.add("dev-a");

    Campaign done = fx.campaigns().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    assertThat(done.fleet("dev-b").orElseThrow().status()).isEqualTo(FleetStatus.SUCCEEDED);
    assertThat(done.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.PENDING);
    assertThat(fx.rebuilt).doesNotContain("prod-a", "prod-b");
  }

  @Test
  void aWaveThatNeedsApprovalWaitsTypedAndGoesOnWhenApproved() {
    CampaignSpec spec = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fx.fleet("dev-a", 2, Map.of("tier", "dev"), false))
        .fleet(fx.fleet("prod-a", 2, Map.of("tier", "prod"), false))
        .wave(Wave.matching("dev", Map.of("tier", "dev")))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withApproval()).build();
    CampaignHandle handle = fx.campaigns().start(spec);

    assertThatThrownBy(handle::await).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("waits for approve() before wave prod");
    Campaign waiting = handle.current();
    assertThat(waiting.waiting()).hasValueSatisfying(w -> {
      assertThat(w.reason()).isEqualTo(CampaignWait.Reason.AWAITING_APPROVAL);
      assertThat(w.reason().needsPerson()).isTrue();
      assertThat(w.wave()).isEqualTo("prod");
    });
    assertThat(waiting.fleet("dev-a").orElseThrow().status()).isEqualTo(FleetStatus.SUCCEEDED);
    assertThat(waiting.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.PENDING);

    handle.approve();
    Campaign done = handle.await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.SUCCEEDED);
    assertThatThrownBy(handle::approve).isInstanceOf(IllegalControlException.class);
  }

  @Test
  void aFailingBakeGateHaltsBeforeTheNextWave() {
    Gate failing = Gate.of("error-rate", ctx -> Measurement.fail("errors 5% on "
        + ctx.canary()));
    CampaignSpec spec = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fx.fleet("dev-a", 2, Map.of("tier", "dev"), false))
        .fleet(fx.fleet("prod-a", 2, Map.of("tier", "prod"), false))
        .wave(Wave.matching("dev", Map.of("tier", "dev"))
            .withBake(Duration.ofMinutes(10), Analysis.of(failing)))
        .wave(Wave.matching("prod", Map.of("tier", "prod"))).build();

    Campaign done = fx.campaigns().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("wave dev bake gate: gate error-rate on fleet dev-a: FAIL"));
    assertThat(done.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.PENDING);
    CampaignEvent judged = done.history().stream()
        .filter(e -> e.type() == CampaignEvent.Type.GATES_JUDGED).findFirst().orElseThrow();
    CampaignEvent waveEnd = done.history().stream()
        .filter(e -> e.type() == CampaignEvent.Type.WAVE_ENDED).findFirst().orElseThrow();
    assertThat(Duration.between(waveEnd.at(), judged.at())).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aFailedRebuildFailsTheFleetWithoutARollout() {
    CampaignSpec spec = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fx.fleet("dev-a", 2, Map.of("tier", "dev"), false))
        .wave(Wave.of("dev", "dev-a")).build();
    Campaigns broken = Campaigns.builder((fleet, current, change) -> {
      throw new IllegalStateException("registry unreachable");
    }).engine(fx.engine).time(fx.time).build();
    settle();

    Campaign done = broken.run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    FleetProgress f = done.fleet("dev-a").orElseThrow();
    assertThat(f.status()).isEqualTo(FleetStatus.FAILED);
    assertThat(f.reason()).hasValue("rebuild failed: registry unreachable");
    assertThat(f.rolloutId()).isEmpty();
    assertThat(ended).isEmpty();
  }

  @Test
  void oneCampaignRollsFleetsOnSeveralPlatformsEachThroughItsOwnEngine() {
    InMemoryProvider other = InMemoryProvider.builder(fx.time).defaultBehavior(
        InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))).build();
    RolloutEngine otherEngine = RolloutEngine.builder(other).time(fx.time).seed(9)
        .pollInterval(Duration.ofSeconds(5)).build();
    CampaignFleet here = fx.fleet("web", 2, Map.of("tier", "dev"), false);
    RolloutSpec thereRollout = RolloutSpec.builder("api").capacity(3)
        .target(here.rollout().target()).strategy(here.rollout().strategy()).build();
    otherEngine.run(thereRollout);
    CampaignFleet there = new CampaignFleet(thereRollout, Map.of("tier", "dev"), "cloud");
    CampaignSpec spec = CampaignSpec.builder("patch", CampaignFixture.CHANGE).fleet(here)
        .fleet(there).wave(Wave.matching("dev", Map.of("tier", "dev"))
            .withMaxConcurrentFleets(2)).build();

    Campaign done = Campaigns.builder(fx.rebuild()).engine(fx.engine).engine("cloud", otherEngine)
        .time(fx.time).build().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    Revision webTarget = done.fleet("web").orElseThrow().target().orElseThrow();
    Revision apiTarget = done.fleet("api").orElseThrow().target().orElseThrow();
    assertThat(fx.platform.instances("web")).hasSize(2)
        .allMatch(i -> i.revision().equals(webTarget));
    assertThat(other.instances("api")).hasSize(3).allMatch(i -> i.revision().equals(apiTarget));
    assertThat(fx.platform.instances("api")).as("nothing of api on the first platform").isEmpty();
  }

  @Test
  void aPausedCampaignStartsNothingWhileItsRunningRolloutsFinish() {
    CampaignSpec spec = threeTiers().maxExposure(50).build();
    CampaignHandle handle = fx.campaigns().start(spec);
    fx.time.advance(Duration.ofSeconds(1));
    assertThat(handle.current().count(FleetStatus.ROLLING)).isEqualTo(2);

    handle.pause();
    handle.pause(); // a no-op
    fx.time.advance(Duration.ofHours(1));

    Campaign paused = handle.current();
    assertThat(paused.paused()).isTrue();
    assertThat(paused.count(FleetStatus.SUCCEEDED)).as("the dev rollouts went on").isEqualTo(2);
    assertThat(paused.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.PENDING);
    assertThat(fx.rebuilt).doesNotContain("prod-a", "prod-b");
    assertThatThrownBy(handle::await).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("is paused: call resume()");

    handle.resume();
    Campaign done = handle.await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.count(FleetStatus.SUCCEEDED)).isEqualTo(4);
    assertThatThrownBy(handle::resume).isInstanceOf(IllegalControlException.class);
  }

  @Test
  void abortHaltsAndRollsBackWhateverTheSpecSays() {
    CampaignSpec spec = threeTiers().maxExposure(50).build();
    CampaignHandle handle = fx.campaigns().start(spec);
    fx.time.advance(Duration.ofSeconds(1));
    assertThat(handle.current().count(FleetStatus.ROLLING)).isEqualTo(2);

    handle.abort("bad patch");
    Campaign done = handle.await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    assertThat(done.reason()).hasValue("aborted: bad patch");
    assertThat(done.count(FleetStatus.ROLLED_BACK)).isEqualTo(2);
    for (CampaignFleet f : fx.fleets) {
      assertThat(fx.platform.instances(f.name())).as(f.name())
          .allMatch(i -> i.revision().equals(f.rollout().target().revision()));
    }
    assertThatThrownBy(() -> handle.abort("again")).isInstanceOf(IllegalControlException.class);
  }

  @Test
  void thePlanRunsTheWavesInTheOrderTheRunDoesAndKeepsWithinTheBudget() {
    CampaignSpec spec = threeTiers().maxExposure(50).build();
    Campaigns campaigns = fx.campaigns();

    CampaignPlan plan = campaigns.plan(spec);
    assertThat(fx.rebuilt).isEmpty();
    Campaign done = campaigns.run(spec);

    List<String> runOrder = done.history().stream()
        .filter(e -> e.type() == CampaignEvent.Type.WAVE_STARTED)
        .map(e -> e.wave().orElseThrow()).toList();
    assertThat(plan.waves()).extracting(CampaignPlan.WavePlan::name)
        .containsExactlyElementsOf(runOrder).containsExactly("dev", "prod");
    assertThat(plan.waves().get(1).fleets()).containsExactly("prod-a", "prod-b");
    // prod's fleets of 3 do not fit the budget of 5 together: one at a time; dev's 2 + 2 do
    assertThat(plan.peakExposure()).isEqualTo(done.peakExposure()).isEqualTo(4);
    assertThat(plan.expectedDuration()).isPositive();
    assertThat(plan.toText()).contains("plan: campaign patch, 2 waves", "dev-a, dev-b",
        "peak exposure 4 of 10 instances (40.0%, budget 5)");
  }
}
