package dev.molt.campaign;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.THURSDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.WindowEnd;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A campaign gives its fleets' rollouts its windows and its window end. */
class CampaignWindowEndTest {
  // 2026-01-01 is a Thursday; 09:00 Berlin is 08:00 UTC in winter
  private static final DeploymentWindows MORNINGS = DeploymentWindows.weekly(
      ZoneId.of("Europe/Berlin"), List.of(THURSDAY, FRIDAY), LocalTime.of(9, 0),
      Duration.ofMinutes(2));
  private static final Instant THURSDAY_END = Instant.parse("2026-01-01T08:02:00Z");
  private static final Instant FRIDAY_OPEN = Instant.parse("2026-01-02T08:00:00Z");

  @ParameterizedTest
  @EnumSource(WindowEnd.class)
  void aFleetStartedInAWindowFinishesOrPausesAtItsEndAsTheCampaignSays(WindowEnd end) {
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    CampaignFixture fx = new CampaignFixture((rollout, event) -> {
      if (rollout.fleet().equals("a")) {
        events.add(event);
      }
    });
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .windows(MORNINGS).windowEnd(end);
    b.fleet(fx.fleet("a", 6, Map.of("tier", "dev"), false)); // about 3.5 minutes of rolling
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev"))).build();
    events.clear(); // the initial deploy's

    Campaign done = fx.campaigns().start(spec).await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    List<RolloutEvent> launchedBetween = events.stream().filter(e -> e.type()
        == RolloutEvent.Type.LAUNCHED && !e.at().isBefore(THURSDAY_END)
        && e.at().isBefore(FRIDAY_OPEN)).toList();
    boolean paused = events.stream().anyMatch(e -> e.type() == RolloutEvent.Type.WINDOW
        && e.message().contains("paused between steps"));
    if (end == WindowEnd.PAUSE) {
      assertThat(paused).isTrue();
      assertThat(launchedBetween).isEmpty();
      assertThat(done.updatedAt()).isAfter(FRIDAY_OPEN);
    } else {
      assertThat(paused).isFalse();
      assertThat(launchedBetween).isNotEmpty();
      assertThat(done.updatedAt()).isBefore(FRIDAY_OPEN);
    }
  }

  @ParameterizedTest
  @EnumSource(WindowEnd.class)
  void thePlanHoldsEachFleetAtTheWindowsEndAsTheRunDoes(WindowEnd end) {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .windows(MORNINGS).windowEnd(end);
    b.fleet(fx.fleet("a", 6, Map.of("tier", "dev"), false));
    b.fleet(fx.fleet("b", 2, Map.of("tier", "prod"), false));
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev")))
        .wave(Wave.matching("prod", Map.of("tier", "prod"))).build();
    Campaigns campaigns = fx.campaigns();

    CampaignPlan plan = campaigns.plan(spec);
    Campaign done = campaigns.start(spec).await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    // the plan simulates the fleets with the provider's expected latencies, as a run meets them
    assertThat(plan.expectedDuration()).isEqualTo(done.elapsed());
    List<CampaignPlan.WindowHold> paused = plan.windowHolds().stream()
        .filter(h -> h.fleet().isPresent()).toList();
    if (end == WindowEnd.PAUSE) {
      // a pauses at Thursday's end, b (next wave, Friday) at Friday's, until next Thursday
      assertThat(paused).extracting(h -> h.fleet().orElseThrow()).containsExactly("a", "b");
      assertThat(paused.get(0)).satisfies(h -> {
        assertThat(h.fleet()).hasValue("a");
        assertThat(h.wave()).isEqualTo("dev");
        assertThat(done.startedAt().plus(h.startsAfter())).isAfterOrEqualTo(THURSDAY_END)
            .isBefore(THURSDAY_END.plusSeconds(60));
        assertThat(done.startedAt().plus(h.startsAfter()).plus(h.lasts()))
            .isEqualTo(FRIDAY_OPEN);
      });
      assertThat(plan.toText()).contains("wave dev fleet a paused for 23h5");
    } else {
      assertThat(paused).isEmpty();
    }
    assertThat(plan.windowHolds()).filteredOn(h -> h.fleet().isEmpty())
        .extracting(CampaignPlan.WindowHold::wave).first().isEqualTo("dev");
  }

  @Test
  void theDefaultIsFinish() {
    assertThat(CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(new CampaignFixture().fleet("a", 1, Map.of("tier", "dev"), false))
        .wave(Wave.matching("dev", Map.of("tier", "dev"))).build().windowEnd())
        .isEqualTo(WindowEnd.FINISH);
  }
}
