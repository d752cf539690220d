package dev.molt.engine;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.THURSDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.rollout.WindowEnd;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.ControlRequest.Control;
import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout resumed from a file store (its record through JSON) keeps respecting its windows. */
class WindowResumeTest {
  private static final Instant FRIDAY_OPEN = Instant.parse("2026-01-02T00:10:00Z");
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();

  private RolloutEngine engine(RolloutStore store, String identity) {
    return RolloutEngine.builder(platform).time(time).seed(3).store(store).identity(identity)
        .pollInterval(Duration.ofSeconds(5)).build();
  }

  @Test
  void aRolloutHeldAtItsWindowsEndIsStillHeldByTheEngineThatResumesIt(@TempDir Path dir) {
    RolloutStore store = FileRolloutStore.open(dir);
    DeploymentWindows windows = new DeploymentWindows(ZoneId.of("UTC"), List.of(
        new DeploymentWindows.Weekly(THURSDAY, LocalTime.of(0, 10), Duration.ofMinutes(3)),
        new DeploymentWindows.Weekly(FRIDAY, LocalTime.of(0, 10), Duration.ofHours(1))),
        List.of());
    engine(store, "a").run(Fixtures.rollout(Fixtures.V1, 10).build());
    RolloutEngine crashing = engine(store, "crashing");
    RolloutHandle handle = crashing.start(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))).windows(windows)
        .atWindowEnd(WindowEnd.PAUSE).build());
    time.runUntil(() -> handle.current().events(Type.WINDOW).size() == 3,
        Instant.parse("2026-01-01T01:00:00Z")); // held, released, held at the window's end
    crashing.shutdownNow();
    time.advance(Duration.ofMinutes(5));
    long launches = platform.callCount("launch");

    RolloutHandle resumed = engine(store, "b").resumeAll().get(0);
    time.runUntil(() -> false, FRIDAY_OPEN.minusSeconds(1));

    assertThat(resumed.current().waiting()).map(Wait::reason)
        .contains(Wait.Reason.OUTSIDE_WINDOW);
    assertThat(platform.callCount("launch")).as("nothing launched before Friday's window")
        .isEqualTo(launches);
    Rollout done = resumed.await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(Type.LAUNCHED)).filteredOn(e -> e.at().isAfter(Instant.parse(
        "2026-01-01T00:13:00Z"))).isNotEmpty().allMatch(e -> !e.at().isBefore(FRIDAY_OPEN));
  }

  @Test
  void controlsThroughTheStoreReachAHeldRolloutResumeIsRefusedAndAbortRollsBack(
      @TempDir Path dir) {
    // a file store does not notify: the held run, which does not tick, polls it on a timer
    RolloutStore store = FileRolloutStore.open(dir);
    RolloutEngine engine = engine(store, "holder");
    engine.run(Fixtures.rollout(Fixtures.V1, 3).build());
    RolloutHandle held = engine.start(Fixtures.rollout(Fixtures.V2, 3).windows(
        DeploymentWindows.weekly(ZoneId.of("UTC"), List.of(FRIDAY), LocalTime.of(9, 0),
            Duration.ofHours(1))).build());
    time.advance(Duration.ofSeconds(1));
    assertThat(held.current().waiting()).map(Wait::reason).contains(Wait.Reason.OUTSIDE_WINDOW);

    ControlRequest resume = ControlRequest.of(held.id(), Control.RESUME, "cli-alice",
        time.now());
    store.request(resume);
    time.advance(Duration.ofSeconds(6)); // one poll
    assertThat(store.load(held.id()).flatMap(r -> r.answer(resume.id())))
        .hasValueSatisfying(a -> {
          assertThat(a.outcome()).isEqualTo(ControlAnswer.Outcome.REFUSED);
          assertThat(a.message()).contains("does not override");
        });
    assertThat(held.current().phase()).isEqualTo(RolloutPhase.PENDING);

    store.request(ControlRequest.abort(held.id(), "not this week", "cli-alice", time.now()));
    time.advance(Duration.ofSeconds(6));
    Rollout done = held.await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.updatedAt()).isBefore(Instant.parse("2026-01-01T01:00:00Z"));
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(3)
        .allMatch(i -> i.revision().equals(Fixtures.V1.revision()));
  }
}
