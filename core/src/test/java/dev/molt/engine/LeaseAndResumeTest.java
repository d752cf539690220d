package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.FleetLockedException;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseAndResumeTest {
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  private final RolloutStore store = new InMemoryRolloutStore();

  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(3).store(store).identity(identity)
        .pollInterval(Duration.ofSeconds(5)).build();
  }

  @Test
  void aSecondEngineOnTheSameFleetIsRefusedWithTheHolderNamed() {
    RolloutEngine first = engine("deployer-a");
    RolloutEngine second = engine("deployer-b");
    platform.script(Fixtures.V1.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    RolloutHandle running = first.start(Fixtures.rollout(Fixtures.V1, 3).build());
    time.advance(Duration.ofSeconds(45)); // past one lease time to live: renewed meanwhile

    assertThatThrownBy(() -> second.start(Fixtures.rollout(Fixtures.V2, 3).build()))
        .isInstanceOfSatisfying(FleetLockedException.class, e -> {
          assertThat(e.holder()).isEqualTo("deployer-a");
          assertThat(e.fleet()).isEqualTo(Fixtures.FLEET);
          assertThat(e.getMessage()).contains("deployer-a");
        });
    assertThat(platform.callCount("launch")).as("only the first engine launched").isEqualTo(1);

    assertThat(running.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(store.lease(Fixtures.FLEET)).as("released at the end").isEmpty();
    assertThat(second.run(Fixtures.rollout(Fixtures.V2, 3).build()).phase())
        .isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void theStoredRecordOfAFinishedRolloutIsItsLastSnapshotTerminalEventIncluded() {
    Rollout done = engine("a").run(Fixtures.rollout(Fixtures.V1, 3).build());

    assertThat(done.history().get(done.history().size() - 1).type())
        .isEqualTo(RolloutEvent.Type.SUCCEEDED);
    assertThat(store.load(done.id()).orElseThrow().rollout()).isEqualTo(done);
    assertThat(store.lease(Fixtures.FLEET)).isEmpty();
  }

  @Test
  void aReconcileFromASecondEngineIsRefusedWhileTheFirstRollsTheFleetButADryRunIsNot() {
    RolloutEngine first = engine("deployer-a");
    RolloutEngine second = engine("reconciler-b");
    first.run(Fixtures.rollout(Fixtures.V1, 3).build());
    RolloutHandle rolling = first.start(Fixtures.rollout(Fixtures.V2, 3).build());
    time.advance(Duration.ofSeconds(1));
    long launches = platform.callCount("launch");
    ReconcileSpec toV1 = ReconcileSpec.builder(Fixtures.FLEET).capacity(3).declared(Fixtures.V1)
        .build();

    assertThatThrownBy(() -> second.reconcile(toV1))
        .isInstanceOfSatisfying(FleetLockedException.class,
            e -> assertThat(e.holder()).isEqualTo("deployer-a"));
    ReconcileReport preview = second.reconcile(toV1.withDryRun(true)).await();

    assertThat(preview.replaced()).isZero();
    assertThat(platform.callCount("launch")).as("neither the refused reconcile nor the dry run"
        + " launched").isEqualTo(launches);
    assertThat(rolling.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(platform.instances(Fixtures.FLEET))
        .allMatch(i -> i.revision().equals(Fixtures.V2.revision()));
  }

  @Test
  void aRolloutStoppedMidwayIsFinishedByAFreshEngineOnceTheLeaseLapses() {
    RolloutEngine first = engine("a");
    first.run(Fixtures.rollout(Fixtures.V1, 4).build());
    int[] events = {0};
    RolloutEngine crashing = RolloutEngine.builder(platform).time(time).seed(3).store(store)
        .identity("crashing").listener((r, e) -> {
          if (++events[0] == 6) {
            throw new IllegalStateException("listener failure must not stop the engine");
          }
        }).build();
    RolloutHandle handle = crashing.start(Fixtures.rollout(Fixtures.V2, 4).build());
    time.runUntil(() -> handle.current().step() >= 2, time.now().plus(Duration.ofHours(1)));
    crashing.shutdownNow();
    int launchesAtCrash = (int) platform.callCount("launch");
    time.advance(Duration.ofMinutes(5));
    assertThat(platform.callCount("launch")).as("a stopped engine touches nothing")
        .isEqualTo(launchesAtCrash);
    assertThat(handle.completion()).isCompletedExceptionally();

    RolloutEngine fresh = engine("b");
    List<RolloutHandle> resumed = fresh.resumeAll();

    assertThat(resumed).singleElement().satisfies(h -> assertThat(h.id()).isEqualTo(handle.id()));
    Rollout done = resumed.get(0).await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.RECOVERED)).hasSize(1);
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(4)
        .allMatch(i -> i.revision().equals(Fixtures.V2.revision()) && i.isHealthy());
    assertThat(store.unfinished()).isEmpty();
  }

  @Test
  void aResumeWhileTheCrashedEngineLeaseHoldsIsSkippedAndCloseReleasesItAtOnce() {
    RolloutEngine first = engine("a");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V1, 2).build());
    time.advance(Duration.ofSeconds(5));
    first.shutdownNow();

    assertThat(engine("b").resumeAll()).as("lease of 'a' still holds").isEmpty();
    assertThatThrownBy(() -> engine("c").resume(handle.id()))
        .isInstanceOfSatisfying(FleetLockedException.class,
            e -> assertThat(e.holder()).isEqualTo("a"));

    RolloutEngine again = engine("a"); // the same identity, restarted: takes its lease back
    assertThat(again.resume(handle.id()).await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    RolloutEngine closing = engine("d");
    closing.start(Fixtures.rollout(Fixtures.V2, 2).build());
    time.advance(Duration.ofSeconds(5));
    closing.close();
    assertThat(store.lease(Fixtures.FLEET)).isEmpty();
    assertThat(engine("e").resumeAll()).singleElement()
        .satisfies(h -> assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED));
  }

  /** Issue 18, item 7: a skipped resume announces nothing, to listeners or in the store. */
  @Test
  void aResumeSkippedForAnotherEnginesLeaseAnnouncesNoRecovery() {
    RolloutEngine first = engine("a");
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V1, 2).build());
    time.advance(Duration.ofSeconds(5));
    first.shutdownNow();
    int savedEvents = store.load(handle.id()).orElseThrow().rollout().history().size();
    List<RolloutEvent> heard = new ArrayList<>();
    RolloutEngine standby = RolloutEngine.builder(platform).time(time).seed(3).store(store)
        .identity("b").listener((r, e) -> heard.add(e)).build();

    assertThat(standby.resumeAll()).as("lease of 'a' still holds").isEmpty();
    assertThatThrownBy(() -> standby.resume(handle.id()))
        .isInstanceOf(FleetLockedException.class);

    assertThat(heard).as("events heard by the standby's listeners").isEmpty();
    assertThat(store.load(handle.id()).orElseThrow().rollout().history()).hasSize(savedEvents);
    assertThat(store.lease(Fixtures.FLEET)).hasValueSatisfying(
        l -> assertThat(l.holder()).isEqualTo("a"));
  }

  @Test
  void anEngineWhoseLeaseWasTakenStopsDrivingTheFleetAtOnce() {
    platform.script(Fixtures.V1.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    RolloutEngine slow = engine("stalled");
    RolloutHandle handle = slow.start(Fixtures.rollout(Fixtures.V1, 3).build());
    time.advance(Duration.ofSeconds(5));
    // as if "stalled" had not renewed for an hour: its lease lapsed and another engine took it
    store.acquire(Fixtures.FLEET, "usurper", time.now().plus(Duration.ofHours(1)),
        Duration.ofHours(2));
    assertThat(time.runUntil(() -> handle.completion().isDone(),
        time.now().plus(Duration.ofSeconds(30)))).as("halted at the next renewal").isTrue();
    long callsAtHalt = platform.calls().size();

    time.advance(Duration.ofMinutes(5));

    assertThat(handle.completion()).isCompletedExceptionally();
    assertThatThrownBy(handle::await).hasCauseInstanceOf(StaleLeaseException.class)
        .hasMessageContaining("usurper");
    assertThat(handle.current().events(RolloutEvent.Type.LEASE_LOST)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("reason=lease-taken", "holder=usurper"));
    assertThat(slow.active(Fixtures.FLEET)).isEmpty();
    assertThat(platform.calls()).as("no call after the lease was lost")
        .hasSize((int) callsAtHalt);
  }
}
