package dev.molt.engine;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.THURSDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.Fixtures;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.Wait;
import dev.molt.rollout.WindowEnd;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * A single rollout under deployment windows, in virtual time (which starts on Thursday 2026-01-01
 * 00:00 UTC): it waits outside them, a freeze overrides them, PAUSE stops at a window's end and
 * FINISH does not, daylight saving moves the opening, and abort is never held.
 */
class DeploymentWindowsRolloutTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final Set<Type> CHANGES = Set.of(Type.LAUNCHED, Type.DRAINING, Type.TERMINATED,
      Type.TRAFFIC_SHIFTED);

  private static DeploymentWindows window(ZoneId zone, DayOfWeek day, String start,
      Duration length) {
    return DeploymentWindows.weekly(zone, List.of(day), LocalTime.parse(start), length);
  }

  /** A rolling update of 10, one at a time: about 35 s an instance, 6 minutes in all. */
  private static RolloutSpec.Builder slowRolling(DeploymentWindows windows, WindowEnd end) {
    return Fixtures.rollout(Fixtures.V2, 10).strategy(RollingUpdate.of(Amount.of(1),
        Amount.of(0))).windows(windows).atWindowEnd(end);
  }

  private static List<RolloutEvent> changes(Rollout r) {
    return r.history().stream().filter(e -> CHANGES.contains(e.type())).toList();
  }

  @Test
  void aRolloutStartedOutsideItsWindowTouchesNothingUntilItOpens() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    long launches = f.platform.callCount("launch");
    long observations = f.platform.callCount("observe");
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .windows(window(BERLIN, FRIDAY, "09:00", Duration.ofHours(2))).build());

    f.time.runUntil(() -> h.current().waiting().isPresent(), f.time.now().plusSeconds(60));
    Wait wait = h.current().waiting().orElseThrow();
    assertThat(wait.reason()).isEqualTo(Wait.Reason.OUTSIDE_WINDOW);
    assertThat(wait.reason().needsPerson()).isFalse();
    assertThat(wait.detail()).isEqualTo("waiting for window: opens Fri 2026-01-02 09:00"
        + " Europe/Berlin");
    assertThat(wait.until()).contains(Instant.parse("2026-01-02T08:00:00Z"));
    assertThat(h.current().phase()).isEqualTo(RolloutPhase.PENDING);
    assertThat(h.current().events(Type.WINDOW)).singleElement().extracting(RolloutEvent::message)
        .asString().startsWith("action=hold wait=OUTSIDE_WINDOW detail=\"waiting for window:")
        .endsWith("until=2026-01-02T08:00:00Z");
    assertThatThrownBy(h::resume).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("which resume does not override");

    f.time.runUntil(() -> false, Instant.parse("2026-01-02T07:59:59Z"));
    assertThat(f.platform.callCount("launch")).isEqualTo(launches);
    assertThat(f.platform.callCount("observe")).as("not even observed").isEqualTo(observations);

    Rollout done = h.awaitSuccess(); // 32 h of waiting did not count toward the 10 min deadline
    assertThat(done.events(Type.STARTED).get(0).at()).isEqualTo("2026-01-02T08:00:00Z");
    assertThat(changes(done)).isNotEmpty()
        .allMatch(e -> !e.at().isBefore(Instant.parse("2026-01-02T08:00:00Z")));
    assertThat(done.events(Type.WINDOW)).last().extracting(RolloutEvent::message)
        .asString().matches("action=release held=1d07h5[0-9]m"); // from the start, after v1
  }

  @Test
  void aFreezeOverridesTheWindow() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    DeploymentWindows windows = window(BERLIN, FRIDAY, "09:00", Duration.ofHours(2))
        .withFreeze(Instant.parse("2026-01-01T12:00:00Z"), Instant.parse("2026-01-03T00:00:00Z"),
            "new-year freeze");
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).windows(windows).build());

    f.time.runUntil(() -> h.current().waiting().isPresent(), f.time.now().plusSeconds(60));
    // the freeze has not begun yet, but it covers the next Friday's window: the one after opens
    assertThat(h.current().waiting().orElseThrow().detail()).isEqualTo("waiting for window:"
        + " opens Fri 2026-01-09 09:00 Europe/Berlin");

    f.time.runUntil(() -> false, Instant.parse("2026-01-01T12:00:01Z"));
    Rollout done = h.awaitSuccess();
    assertThat(changes(done)).allMatch(e -> !e.at().isBefore(Instant.parse(
        "2026-01-09T08:00:00Z")), "first change in the window after the freeze");
    assertThat(done.events(Type.WINDOW)).extracting(RolloutEvent::message).first().asString()
        .contains("opens Fri 2026-01-09 09:00");
    Fixtures g = new Fixtures();
    g.time.advance(Duration.between(g.time.now(), Instant.parse("2026-01-02T08:30:00Z")));
    RolloutHandle frozen = g.engine.start(Fixtures.rollout(Fixtures.V2, 2).windows(windows)
        .build());
    g.time.runUntil(() -> frozen.current().waiting().isPresent(), g.time.now().plusSeconds(60));
    assertThat(frozen.current().waiting().orElseThrow().detail()).isEqualTo("frozen until Sat"
        + " 2026-01-03 01:00 Europe/Berlin (new-year freeze); window opens Fri 2026-01-09 09:00"
        + " Europe/Berlin");
  }

  @Test
  void aPauseRolloutStopsAtTheWindowsEndAndFinishesInTheNextWindow() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    Instant thursdayEnd = Instant.parse("2026-01-01T00:13:00Z");
    Instant fridayOpen = Instant.parse("2026-01-02T00:10:00Z");
    DeploymentWindows windows = new DeploymentWindows(UTC, List.of(
        new DeploymentWindows.Weekly(THURSDAY, LocalTime.of(0, 10), Duration.ofMinutes(3)),
        new DeploymentWindows.Weekly(FRIDAY, LocalTime.of(0, 10), Duration.ofHours(1))),
        List.of());

    Rollout done = f.engine.start(slowRolling(windows, WindowEnd.PAUSE).build()).awaitSuccess();

    List<RolloutEvent> held = changes(done).stream().filter(e -> !e.at().isBefore(thursdayEnd)
        && e.at().isBefore(fridayOpen)).toList();
    assertThat(held).as("only drains begun before the end finish").allMatch(e -> e.type()
        == Type.TERMINATED && e.message().contains("reason=\"drained\""));
    assertThat(changes(done)).anyMatch(e -> e.type() == Type.LAUNCHED
        && e.at().isBefore(thursdayEnd)).anyMatch(e -> e.type() == Type.LAUNCHED
        && !e.at().isBefore(fridayOpen));
    assertThat(done.events(Type.WINDOW)).extracting(RolloutEvent::message)
        .anyMatch(m -> m.contains("detail=\"window ended, paused between steps; waiting for"
            + " window: opens Fri 2026-01-02 00:10 UTC\""));
    assertThat(done.updatedAt()).isAfter(fridayOpen);
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(10);
  }

  @Test
  void aFinishRolloutFinishesAfterTheWindowsEnd() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    DeploymentWindows windows = window(UTC, THURSDAY, "00:10", Duration.ofMinutes(3));

    Rollout done = f.engine.start(slowRolling(windows, WindowEnd.FINISH).build()).awaitSuccess();

    assertThat(changes(done).get(0).at()).isEqualTo("2026-01-01T00:10:00Z");
    assertThat(done.updatedAt()).isAfter(Instant.parse("2026-01-01T00:13:00Z"))
        .isBefore(Instant.parse("2026-01-01T01:00:00Z"));
    assertThat(done.events(Type.WINDOW)).extracting(RolloutEvent::message)
        .noneMatch(m -> m.contains("paused between steps"));
  }

  @ParameterizedTest(name = "{0}: opens {1}")
  @CsvSource({
      // Monday 09:00 in Berlin: CET (UTC+1) before the last Sunday of March, CEST (UTC+2) after
      "2026-03-20T12:00:00Z, 2026-03-23T08:00:00Z",
      "2026-03-28T12:00:00Z, 2026-03-30T07:00:00Z",
      "2026-10-24T12:00:00Z, 2026-10-26T08:00:00Z"})
  void daylightSavingMovesTheOpeningInUtc(Instant start, Instant opens) {
    VirtualTime time = VirtualTime.startingAt(start);
    InMemoryProvider platform = InMemoryProvider.builder(time).defaultBehavior(
        InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10))).build();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(7).build();

    Rollout done = engine.start(Fixtures.rollout(Fixtures.V2, 2).windows(window(BERLIN, MONDAY,
        "09:00", Duration.ofHours(1))).atWindowEnd(WindowEnd.PAUSE).build()).awaitSuccess();

    assertThat(done.events(Type.LAUNCHED).get(0).at()).isEqualTo(opens);
    assertThat(done.events(Type.WINDOW).get(0).message()).contains("opens Mon ", " 09:00"
        + " Europe/Berlin", "until=" + opens);
  }

  @Test
  void theWindowLastsItsLengthInRealHoursAcrossTheChange() {
    // Sunday 2026-03-29 01:00 Berlin for 3 h: the clocks jump from 02:00 to 03:00, so it closes
    // at 05:00 local, 03:00 UTC
    DeploymentWindows w = window(BERLIN, DayOfWeek.SUNDAY, "01:00", Duration.ofHours(3));
    assertThat(w.allows(Instant.parse("2026-03-29T00:00:00Z"))).isTrue();
    assertThat(w.allows(Instant.parse("2026-03-29T02:59:59Z"))).isTrue();
    assertThat(w.allows(Instant.parse("2026-03-29T03:00:00Z"))).isFalse();
    assertThat(w.nextOpening(Instant.parse("2026-10-24T00:00:00Z")))
        .contains(Instant.parse("2026-10-24T23:00:00Z")); // 01:00 CEST, before the change back
  }

  @Test
  void abortDuringAWaitRollsBackAtOnce() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    DeploymentWindows windows = window(UTC, THURSDAY, "00:10", Duration.ofMinutes(3));
    RolloutHandle h = f.engine.start(slowRolling(windows, WindowEnd.PAUSE).build());
    f.time.runUntil(() -> h.current().events(Type.WINDOW).size() == 3,
        Instant.parse("2026-01-01T01:00:00Z")); // hold, release, hold at the window's end
    assertThat(h.current().waiting()).map(Wait::reason).contains(Wait.Reason.OUTSIDE_WINDOW);
    assertThat(f.count(Fixtures.V2)).isPositive();
    Instant abortedAt = f.time.now();

    h.abort("change of plan");
    assertThat(h.current().phase()).isEqualTo(RolloutPhase.ABORTING);
    Rollout done = h.await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.updatedAt()).isBefore(abortedAt.plus(Duration.ofMinutes(10)));
    assertThat(f.count(Fixtures.V2)).isZero();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(10);
  }

  @Test
  void abortBeforeTheWindowOpensEndsWithNothingChanged() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 3)
        .windows(window(BERLIN, FRIDAY, "09:00", Duration.ofHours(2))).build());
    f.time.runUntil(() -> h.current().waiting().isPresent(), f.time.now().plusSeconds(60));

    h.abort("not this week");
    Rollout done = h.await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.updatedAt()).isBefore(Instant.parse("2026-01-01T01:00:00Z"));
    assertThat(changes(done)).isEmpty();
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(3);
  }

  @Test
  void windowsThatNeverOpenFailTheRolloutTouchingNothing() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    DeploymentWindows never = window(UTC, FRIDAY, "09:00", Duration.ofHours(1)).withFreeze(
        Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"), "forever");

    Rollout done = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).windows(never).build())
        .await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.FAILED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("frozen until",
        "(forever)", "no opening within 400 days", "nothing was touched"));
    assertThat(changes(done)).isEmpty();
  }

  @Test
  void aSpecWithoutWindowsIsAlwaysOpenAndRejectsNulls() {
    RolloutSpec spec = Fixtures.rollout(Fixtures.V2, 2).build();
    assertThat(spec.windows().isAlwaysOpen()).isTrue();
    assertThat(spec.atWindowEnd()).isEqualTo(WindowEnd.FINISH);
    assertThatThrownBy(() -> Fixtures.rollout(Fixtures.V2, 2).windows(null).build())
        .hasMessageContaining("windows").hasMessageContaining("DeploymentWindows.always()");
    assertThatThrownBy(() -> Fixtures.rollout(Fixtures.V2, 2).atWindowEnd(null).build())
        .hasMessageContaining("atWindowEnd").hasMessageContaining("FINISH");
  }

  @Test
  void thePlanShowsTheWaitsForWindows() {
    Fixtures f = new Fixtures();
    f.deployV1(10);
    long calls = f.platform.callCount("launch");
    Instant now = f.time.now();
    DeploymentWindows windows = new DeploymentWindows(UTC, List.of(
        new DeploymentWindows.Weekly(THURSDAY, LocalTime.of(0, 10), Duration.ofMinutes(3)),
        new DeploymentWindows.Weekly(FRIDAY, LocalTime.of(0, 10), Duration.ofHours(1))),
        List.of());

    RolloutPlan plan = f.engine.plan(slowRolling(windows, WindowEnd.PAUSE).build());

    assertThat(plan.windowWaits()).hasSize(2);
    RolloutPlan.WindowWait first = plan.windowWaits().get(0);
    assertThat(first.startsAfter()).isZero();
    assertThat(now.plus(first.lasts())).isEqualTo("2026-01-01T00:10:00Z");
    assertThat(first.detail()).isEqualTo("waiting for window: opens Thu 2026-01-01 00:10 UTC");
    RolloutPlan.WindowWait second = plan.windowWaits().get(1);
    assertThat(now.plus(second.startsAfter())).isAfterOrEqualTo("2026-01-01T00:13:00Z");
    assertThat(now.plus(second.startsAfter()).plus(second.lasts()))
        .isEqualTo("2026-01-02T00:10:00Z");
    assertThat(second.detail()).startsWith("window ended, paused between steps; ");
    assertThat(plan.expectedDuration()).isGreaterThan(Duration.ofHours(24));
    assertThat(plan.toText()).contains("window: at 0s waits ", "(waiting for window: opens Thu");
    assertThat(f.platform.callCount("launch")).as("a plan touches nothing").isEqualTo(calls);
    assertThat(f.engine.plan(Fixtures.rollout(Fixtures.V2, 10).build()).windowWaits()).isEmpty();

    // planned for Friday's hour-long window, the same spec never waits
    RolloutPlan friday = f.engine.plan(slowRolling(windows, WindowEnd.PAUSE).build(),
        Instant.parse("2026-01-02T00:10:00Z"));
    assertThat(friday.windowWaits()).isEmpty();
    assertThat(friday.expectedDuration()).isLessThan(Duration.ofHours(1));
    // planned for Thursday's window, it pauses at its end and goes on on Friday
    RolloutPlan thursday = f.engine.plan(slowRolling(windows, WindowEnd.PAUSE).build(),
        Instant.parse("2026-01-01T00:10:00Z"));
    assertThat(thursday.windowWaits()).singleElement().satisfies(w -> assertThat(w.detail())
        .startsWith("window ended, paused between steps; "));
    assertThatThrownBy(() -> f.engine.plan(Fixtures.rollout(Fixtures.V2, 10).build(), null))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("start");
    assertThat(f.platform.callCount("launch")).as("a plan touches nothing").isEqualTo(calls);
  }
}
