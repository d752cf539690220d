package dev.molt.campaign;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.THURSDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fleets start only inside the deployment windows and outside freezes, in virtual time. */
class CampaignWindowsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  // 2026-01-01 is a Thursday; Berlin is UTC+1 in winter, UTC+2 from 29 March 2026
  private static final DeploymentWindows MORNINGS = DeploymentWindows.weekly(BERLIN,
      List.of(MONDAY, THURSDAY, FRIDAY), LocalTime.of(9, 0), Duration.ofMinutes(2));

  @Test
  void weeklyWindowsFollowTheZoneAndFreezesCloseThem() {
    assertThat(MORNINGS.allows(Instant.parse("2026-01-01T08:00:00Z"))).isTrue();
    assertThat(MORNINGS.allows(Instant.parse("2026-01-01T08:02:00Z"))).as("end exclusive")
        .isFalse();
    assertThat(MORNINGS.allows(Instant.parse("2026-01-01T09:00:00Z"))).isFalse();
    assertThat(MORNINGS.nextOpening(Instant.parse("2026-01-01T08:02:00Z")))
        .hasValue(Instant.parse("2026-01-02T08:00:00Z"));
    assertThat(MORNINGS.nextOpening(Instant.parse("2026-03-27T09:00:00Z")))
        .as("summer time: 09:00 Berlin is 07:00 UTC").hasValue(Instant.parse(
            "2026-03-30T07:00:00Z"));
    DeploymentWindows frozen = MORNINGS.withFreeze(Instant.parse("2026-01-02T00:00:00Z"),
        Instant.parse("2026-01-05T08:01:00Z"), "new-year freeze");
    assertThat(frozen.nextOpening(Instant.parse("2026-01-01T08:02:00Z")))
        .as("the freeze ends inside Monday's window").hasValue(Instant.parse(
            "2026-01-05T08:01:00Z"));
    assertThat(frozen.freeze(Instant.parse("2026-01-03T00:00:00Z")))
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo("new-year freeze"));
    assertThat(DeploymentWindows.always().allows(Instant.EPOCH)).isTrue();
    assertThatThrownBy(() -> new DeploymentWindows.Freeze(Instant.EPOCH, Instant.EPOCH, "x"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("until");
  }

  @Test
  void noFleetStartsOutsideAWindowOrInAFreezeAndTheCampaignWaitsTyped() {
    CampaignFixture fx = new CampaignFixture();
    DeploymentWindows windows = MORNINGS.withFreeze(Instant.parse("2026-01-02T00:00:00Z"),
        Instant.parse("2026-01-03T00:00:00Z"), "new-year freeze");
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .windows(windows);
    for (String name : List.of("a", "b", "c", "d")) {
      b.fleet(fx.fleet(name, 2, Map.of("tier", "dev"), false));
    }
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev"))).build();
    Campaigns campaigns = fx.campaigns();
    CampaignPlan plan = campaigns.plan(spec);

    CampaignHandle handle = campaigns.start(spec);
    assertThat(handle.current().waiting()).hasValueSatisfying(w -> {
      assertThat(w.reason()).isEqualTo(CampaignWait.Reason.OUTSIDE_WINDOW);
      assertThat(w.until()).hasValue(Instant.parse("2026-01-01T08:00:00Z"));
      assertThat(w.reason().needsPerson()).isFalse();
    });
    Campaign done = handle.await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    List<Instant> starts = done.history().stream()
        .filter(e -> e.type() == CampaignEvent.Type.FLEET_REBUILDING).map(CampaignEvent::at)
        .toList();
    assertThat(starts).hasSize(4).allMatch(windows::allows);
    // one at a time, about 70 s each, 2 minutes a morning: two on Thursday, none on the frozen
    // Friday, two on Monday 5 January
    assertThat(starts.get(0)).isEqualTo(Instant.parse("2026-01-01T08:00:00Z"));
    assertThat(starts.get(1)).isBefore(Instant.parse("2026-01-01T08:02:00Z"));
    assertThat(starts.get(2)).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
    assertThat(starts.get(3)).isBefore(Instant.parse("2026-01-05T08:02:00Z"));
    assertThat(done.history()).anyMatch(e -> e.type() == CampaignEvent.Type.OUTSIDE_WINDOW
        && e.detail().contains("outside the deployment windows; next opening"
            + " 2026-01-05T08:00:00Z"));
    assertThat(plan.expectedDuration()).isGreaterThan(Duration.ofDays(4));
  }
}
