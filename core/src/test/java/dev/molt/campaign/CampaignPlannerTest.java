package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.campaign.CampaignAction.Abort;
import dev.molt.campaign.CampaignAction.Finish;
import dev.molt.campaign.CampaignAction.Halt;
import dev.molt.campaign.CampaignAction.Revert;
import dev.molt.campaign.CampaignAction.StartBake;
import dev.molt.campaign.CampaignAction.StartFleet;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The planner's worked examples, as its doc comment gives them. */
class CampaignPlannerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /** Total 48 (fleets p1=8, p2=4, p3=6, and 30 elsewhere), budget 25% = 12, prod max 3. */
  private static final CampaignSpec SPEC = specBuilder().build();

  private static CampaignSpec.Builder specBuilder() {
    return CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fleet("p1", 8)).fleet(fleet("p2", 4)).fleet(fleet("p3", 6))
        .fleet(unaffected("other", 30))
        .wave(Wave.of("prod", "p1", "p2", "p3").withMaxConcurrentFleets(3))
        .maxExposure(25).maxFailures(Amount.of(1));
  }

  static Stream<Arguments> starts() {
    return Stream.of(
        // statuses of p1, p2, p3 -> the fleets started
        Arguments.of("all pending: 8 and 4 fit 12, the 6 waits", "P P P", List.of("p1", "p2")),
        Arguments.of("8 rolls, 4 ended: 8 + 6 = 14 > 12, the 6 waits", "R S P", List.of()),
        Arguments.of("8 ended, 4 rolls: 4 + 6 = 10 fits", "S R P", List.of("p3")),
        Arguments.of("rebuilding counts as exposed: 8 + 4 = 12, 6 waits", "B B P", List.of()),
        Arguments.of("a failed fleet is not exposed", "F S P", List.of("p3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("starts")
  void startsFleetsInOrderWithinTheBudgetAndTheConcurrency(String why, String statuses,
      List<String> started) {
    CampaignDecision d = CampaignPlanner.decide(SPEC, rolling(SPEC, statuses), NOW);

    assertThat(d.actions()).as(why).containsExactlyElementsOf(started.stream()
        .map(f -> (CampaignAction) new StartFleet(f)).toList());
  }

  @Test
  void concurrencyLimitsTheStartsEvenWithinTheBudget() {
    CampaignSpec one = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fleet("p1", 1)).fleet(fleet("p2", 1)).fleet(fleet("p3", 1))
        .wave(Wave.of("prod", "p1", "p2", "p3").withMaxConcurrentFleets(2)).build();
    assertThat(CampaignPlanner.decide(one, rolling(one, "P P P"), NOW).actions())
        .containsExactly(new StartFleet("p1"), new StartFleet("p2"));
  }

  @Test
  void outsideAWindowNothingStartsAndThePlannerWakesAtTheOpening() {
    CampaignSpec closed = specBuilder().windows(DeploymentWindows.always().withFreeze(
        NOW.minusSeconds(60), NOW.plusSeconds(3600), "incident")).build();

    CampaignDecision d = CampaignPlanner.decide(closed, rolling(closed, "P P P"), NOW);

    assertThat(d.actions()).singleElement().isInstanceOf(CampaignAction.WindowWait.class);
    CampaignWait shown = ((CampaignAction.WindowWait) d.actions().get(0)).shown().orElseThrow();
    assertThat(shown.reason()).isEqualTo(CampaignWait.Reason.OUTSIDE_WINDOW);
    assertThat(shown.detail()).contains("frozen (incident)");
    assertThat(d.wakeAt()).hasValue(NOW.plusSeconds(3600));
    Campaign waiting = rolling(closed, "P P P").withStage(0, Campaign.Stage.ROLLING,
        Optional.of(shown));
    assertThat(CampaignPlanner.decide(closed, waiting, NOW).actions()).as("shown once").isEmpty();
    assertThat(CampaignPlanner.decide(closed, waiting, NOW.plusSeconds(3600)).actions())
        .containsExactly(new CampaignAction.WindowWait(Optional.empty()), new StartFleet("p1"),
            new StartFleet("p2"));
  }

  @Test
  void aWaveWhoseFleetsAllEndedBakes() {
    CampaignSpec baking = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fleet("p1", 1)).wave(Wave.of("prod", "p1").withBake(Duration.ofMinutes(10)))
        .build();
    assertThat(CampaignPlanner.decide(baking, rolling(baking, "S"), NOW).actions())
        .containsExactly(new StartBake(0, NOW.plusSeconds(600)));
  }

  @Test
  void failuresPastTheLimitHaltAndAHaltWithRollBackAbortsAndReverts() {
    CampaignDecision d = CampaignPlanner.decide(SPEC, rolling(SPEC, "F F R"), NOW);
    assertThat(d.actions()).singleElement().isInstanceOf(Halt.class)
        .asString().contains("2 fleets failed (p1, p2), more than maxFailures=1");

    Campaign halting = rolling(SPEC, "S F R").halted("too many", true);
    assertThat(CampaignPlanner.decide(SPEC, halting, NOW).actions())
        .containsExactly(new Revert("p1"), new Abort("p3"));
    Campaign staying = rolling(SPEC, "S F R").halted("too many", false);
    assertThat(CampaignPlanner.decide(SPEC, staying, NOW).actions()).isEmpty();
    Campaign quiet = rolling(SPEC, "V F L").halted("too many", true);
    assertThat(CampaignPlanner.decide(SPEC, quiet, NOW).actions())
        .containsExactly(new Finish(CampaignPhase.HALTED));
  }

  /** P pending, B rebuilding, R rolling, S succeeded, F failed, L rolled back, V reverted. */
  private static Campaign rolling(CampaignSpec spec, String statuses) {
    String[] s = statuses.split(" ");
    List<FleetProgress> fleets = new ArrayList<>();
    List<CampaignFleet> members = spec.waveFleets().get(0);
    for (int i = 0; i < members.size(); i++) {
      CampaignFleet f = members.get(i);
      FleetStatus status = switch (s[i]) {
        case "B" -> FleetStatus.REBUILDING;
        case "R" -> FleetStatus.ROLLING;
        case "S" -> FleetStatus.SUCCEEDED;
        case "F" -> FleetStatus.FAILED;
        case "L" -> FleetStatus.ROLLED_BACK;
        case "V" -> FleetStatus.REVERTED;
        default -> FleetStatus.PENDING;
      };
      fleets.add(new FleetProgress(f.name(), "prod", f.capacity(), status,
          f.rollout().target().revision(), Optional.<Revision>empty(), Optional.empty(),
          Optional.empty()));
    }
    return new Campaign("ca-1", "patch", CampaignPhase.RUNNING, 0, Campaign.Stage.ROLLING, fleets,
        Optional.empty(), Optional.empty(), false, false, 0, spec.totalCapacity(), List.of(),
        List.of(), NOW, NOW);
  }

  private static CampaignFleet fleet(String name, int capacity) {
    return build(name, capacity, CampaignFixture.BASE_V1);
  }

  private static CampaignFleet unaffected(String name, int capacity) {
    return build(name, capacity, Image.of(CampaignFixture.digest("elsewhere"), "elsewhere"));
  }

  private static CampaignFleet build(String name, int capacity, Image base) {
    LaunchSpec spec = LaunchSpec.builder(Image.of(CampaignFixture.digest(name), name)
        .withBase(base)).ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
    return CampaignFleet.of(RolloutSpec.builder(name).capacity(capacity).target(spec).build(),
        Map.of());
  }
}
