package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.OwnerLabels;
import dev.molt.campaign.CampaignFleet;
import dev.molt.testkit.SimulatedPlatform;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The fault campaign's campaign schedules: seeded random patch-wave campaigns under injected
 * platform faults end without a violation, replay to the same end, and the checks catch a run
 * that breaks what they guard (so the property cannot pass vacuously). A failing seed replays
 * with {@code FaultCampaign.run(CampaignSchedule.draw(seed))} or {@code faults --replay <seed>}.
 */
class CampaignScheduleTest {
  private static final int SEEDS = 12;

  @Test
  void randomCampaignsUnderFaultsHoldEveryInvariant() {
    Set<String> endings = new HashSet<>();
    int resumed = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      CampaignOutcome outcome = FaultCampaign.run(CampaignSchedule.draw(seed));
      assertThat(outcome.violations()).as("seed %d: %s", seed, outcome.schedule()).isEmpty();
      assertThat(outcome.end()).as("seed %d ended", seed).isPresent();
      endings.add(outcome.ending());
      if (outcome.end().orElseThrow().history().stream()
          .anyMatch(e -> e.type() == dev.molt.campaign.CampaignEvent.Type.RECOVERED)) {
        resumed++;
      }
    }
    assertThat(endings).as("the seeds cover both ends").contains("completed", "halted");
    assertThat(resumed).as("campaigns whose process died and was resumed").isGreaterThanOrEqualTo(3);
  }

  @Test
  void aSeedReplaysToTheSameEnd() {
    for (long seed = 0; seed < 6; seed++) {
      CampaignOutcome first = FaultCampaign.run(CampaignSchedule.draw(seed));
      CampaignOutcome again = FaultCampaign.run(CampaignSchedule.draw(seed));

      assertThat(again.schedule()).hasToString(first.schedule().toString());
      assertThat(again.end().orElseThrow().history()).as("seed %d", seed)
          .isEqualTo(first.end().orElseThrow().history());
      assertThat(again.violations()).isEqualTo(first.violations());
    }
  }

  @Test
  void runOnePicksCampaignSchedulesForAShareOfTheSeeds() {
    long campaigns = LongStream.range(0, 1000)
        .filter(FaultCampaign::isCampaign).count();
    assertThat(campaigns).isBetween(60L, 140L);
    long seed = LongStream.range(0, 1000).filter(FaultCampaign::isCampaign)
        .findFirst().orElseThrow();
    FaultCampaign.Report report = FaultCampaign.runOne(seed);
    assertThat(report.strategy()).isEqualTo("campaign");
    assertThat(report.schedule()).isEqualTo(CampaignSchedule.draw(seed).toString());
    assertThat(report.end()).isIn("completed", "halted");
  }

  @Test
  void aPersonWhoAbortsAndAPlatformThatMeddlesAreCaught() {
    CampaignSchedule schedule = CampaignSchedule.draw(3);
    List<CampaignFleet> fleets = schedule.spec().fleets();
    CampaignOutcome aborted = CampaignDrive.run(schedule, new CampaignDrive.Meddling(
        (sim, handle) -> handle.abort("a rogue"), sim -> {
          String first = fleets.get(0).name();
          sim.provider().addForeign("stray-1", first, SimulatedPlatform.spec("v0").revision(),
              Map.of(OwnerLabels.MANAGED_BY, "nobody"));
          String second = fleets.get(1).name();
          sim.provider().lose(sim.provider().instances(second).get(0).id());
        }));

    assertThat(aborted.violations()).anyMatch(starts("halt: the campaign halted (aborted: a"
        + " rogue) with 0 failed fleets"));
    assertThat(aborted.violations()).anyMatch(v -> v.startsWith("end: " + fleets.get(0).name())
        && v.contains("has instances nobody owns"));
    assertThat(aborted.violations()).anyMatch(v -> v.startsWith("end: " + fleets.get(1).name())
        && v.contains("is not whole"));
  }

  @Test
  void aCampaignThatNeverEndsIsReportedStuck() {
    CampaignOutcome paused = CampaignDrive.run(CampaignSchedule.draw(3),
        new CampaignDrive.Meddling((sim, handle) -> handle.pause(), sim -> { }));

    assertThat(paused.end()).isEmpty();
    assertThat(paused.ending()).isEqualTo("unfinished");
    assertThat(paused.violations()).anyMatch(starts("stuck: the campaign had not ended"));
  }

  private static Predicate<String> starts(String prefix) {
    return v -> v.startsWith(prefix);
  }
}
