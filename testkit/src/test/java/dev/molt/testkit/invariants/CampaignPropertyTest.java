package dev.molt.testkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Over seeded random campaigns (fleet sizes, tiers, strategies, budgets, concurrency, broken
 * rebuilds, failure limits, roll-back on halt), the exposure budget and every wave's
 * maxConcurrentFleets hold at every event, and the campaign ends as its failure limit says.
 */
class CampaignPropertyTest {
  private static final int SEEDS = 24;
  private static final Image BASE_V1 = SimulatedPlatform.spec("base-v1").image();
  private static final Image BASE_V2 = SimulatedPlatform.spec("base-v2").image();
  private static final Image RUNTIME = SimulatedPlatform.spec("runtime").image().withBase(BASE_V1);
  private static final BaseChange CHANGE = new BaseChange(BASE_V1, BASE_V2);
  private static final List<String> TIERS = List.of("dev", "staging", "prod");

  @Test
  void budgetAndConcurrencyHoldAtEveryEventOverRandomCampaigns() {
    for (long seed = 0; seed < SEEDS; seed++) {
      check(seed);
    }
  }

  private void check(long seed) {
    Random random = new Random(seed);
    SimulatedPlatform sim = SimulatedPlatform.create(seed);
    int n = 3 + random.nextInt(6);
    List<CampaignFleet> fleets = new ArrayList<>();
    Set<String> broken = new HashSet<>();
    for (int i = 0; i < n; i++) {
      String name = "f" + i;
      Image app = SimulatedPlatform.spec("app-" + name).image()
          .withBase(random.nextBoolean() ? RUNTIME : BASE_V1);
      LaunchSpec spec = LaunchSpec.builder(app).ports(8080)
          .healthCheck(HealthCheck.http(8080, "/health")).build();
      RolloutSpec rollout = RolloutSpec.builder(name).capacity(1 + random.nextInt(6)).target(spec)
          .strategy(strategy(random)).progressDeadline(Duration.ofMinutes(10)).build();
      sim.deploy(name, spec, rollout.capacity());
      fleets.add(CampaignFleet.of(rollout, Map.of("tier", TIERS.get(random.nextInt(3)))));
      if (random.nextInt(4) == 0) {
        broken.add(name);
        sim.provider().script(new FakeImageRebuild().rebuild(name, spec, CHANGE).revision(),
            InstanceBehavior.defaults().neverHealthy());
      }
    }
    int total = fleets.stream().mapToInt(CampaignFleet::capacity).sum();
    int largest = fleets.stream().mapToInt(CampaignFleet::capacity).max().orElseThrow();
    int minBudget = (int) Math.ceil(largest * 100.0 / total);
    int budget = Math.min(100, minBudget + random.nextInt(40));
    CampaignSpec.Builder b = CampaignSpec.builder("patch-" + seed, CHANGE).maxExposure(budget)
        .maxFailures(Amount.of(random.nextInt(3))).rollBackOnHalt(random.nextBoolean());
    fleets.forEach(b::fleet);
    TIERS.forEach(t -> b.wave(Wave.matching(t, Map.of("tier", t))
        .withMaxConcurrentFleets(1 + random.nextInt(3))));
    CampaignSpec spec = b.build();

    CampaignChecker checker = CampaignChecker.of(spec, sim.provider());
    sim.listen(checker);
    RolloutEngine engine = sim.engine();
    Campaign done = Campaigns.builder(new FakeImageRebuild()).engine(engine).time(sim.time())
        .listener(checker).seed(seed).build().run(spec);

    String what = "seed " + seed + ": " + spec.fleets().size() + " fleets, budget " + budget
        + "%, broken " + broken + ", " + done.summary();
    assertThat(checker.violations()).as(what).isEmpty();
    assertThat(checker.checks()).as(what).isGreaterThan(spec.fleets().size());
    assertThat(done.peakExposure()).as(what).isLessThanOrEqualTo(spec.exposureBudget());
    if (broken.size() <= spec.failureLimit()) {
      assertThat(done.phase()).as(what).isEqualTo(CampaignPhase.SUCCEEDED);
      assertThat(done.count(FleetStatus.SUCCEEDED)).as(what).isEqualTo(n - broken.size());
      assertThat(done.count(FleetStatus.ROLLED_BACK)).as(what).isEqualTo(broken.size());
    } else {
      assertThat(done.phase()).as(what).isEqualTo(CampaignPhase.HALTED);
      if (spec.rollBackOnHalt()) {
        for (CampaignFleet f : fleets) {
          assertThat(sim.provider().instances(f.name())).as(what + " " + f.name())
              .allMatch(i -> i.revision().equals(f.rollout().target().revision()));
        }
      }
    }
    assertThat(done.fleets()).as(what).allMatch(f -> !f.status().isInFlight());
    assertThat(engine.active("f0")).as(what).isEmpty();
  }

  private static Strategy strategy(Random random) {
    return random.nextBoolean()
        ? RollingUpdate.of(Amount.of(1 + random.nextInt(2)), Amount.of(0))
            .withHealthyDeadline(Duration.ofMinutes(2)).withMaxReplacements(1)
        : BlueGreen.defaults().withScaleDownDelay(Duration.ofSeconds(30));
  }

  @Test
  void theCheckerReportsRolloutsThatBreakTheBudgetAndTheConcurrency() {
    SimulatedPlatform sim = SimulatedPlatform.create(3);
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CHANGE).maxExposure(50);
    List<RolloutSpec> rollouts = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      LaunchSpec spec = LaunchSpec.builder(SimulatedPlatform.spec("app-" + name).image()
          .withBase(BASE_V1)).ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
      sim.deploy(name, spec, 2);
      RolloutSpec r = RolloutSpec.builder(name).capacity(2).target(spec).build();
      rollouts.add(r);
      b.fleet(CampaignFleet.of(r, Map.of("tier", "dev")));
    }
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev"))).build();
    CampaignChecker checker = CampaignChecker.of(spec, sim.provider());
    sim.listen(checker);

    // both fleets rolled at once to rebuilt images behind the campaign's back: 4 > 2, and 2 > 1
    FakeImageRebuild rebuild = new FakeImageRebuild();
    var first = sim.engine().start(rollouts.get(0).withTarget(rebuild.rebuild("a",
        rollouts.get(0).target(), CHANGE)));
    var second = sim.engine().start(rollouts.get(1).withTarget(rebuild.rebuild("b",
        rollouts.get(1).target(), CHANGE)));
    assertThat(first.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    second.await();

    assertThat(checker.violations()).anyMatch(v -> v.startsWith("exposure:")
        && v.contains("over the budget of 2"));
    assertThat(checker.violations()).anyMatch(v -> v.startsWith("concurrency:")
        && v.contains("2 fleets of wave dev roll at once, over its maxConcurrentFleets=1"));
  }
}
