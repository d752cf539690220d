package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.InvalidSpecException;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.Lease;
import dev.molt.store.StaleLeaseException;
import dev.molt.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an engine acts on a fleet only under the fleet's newest lease, and stops before its next
 * platform call once, by its own clock, that lease is within the skew margin of its expiry.
 */
class LeaseFencingTest {
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  private final InMemoryRolloutStore store = new InMemoryRolloutStore();

  /** The virtual clock plus an offset: a process whose clock jumped while it was paused. */
  private static final class JumpingClock extends Clock {
    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    JumpingClock(Clock base) {
      this.base = base;
    }

    void jump(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return base.instant().plus(offset);
    }
  }

  @Test
  void anEnginePausedPastItsLeaseMakesNoPlatformCallAfterwardsAndSaysSo() {
    platform.script(Fixtures.V1.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    JumpingClock clock = new JumpingClock(time.clock());
    RolloutEngine paused = RolloutEngine.builder(platform).clock(clock).scheduler(time).seed(5)
        .store(store).identity("paused").pollInterval(Duration.ofSeconds(2)).build();
    RolloutHandle handle = paused.start(Fixtures.rollout(Fixtures.V1, 3).build());
    time.advance(Duration.ofSeconds(5));
    Lease before = store.lease(Fixtures.FLEET).orElseThrow();

    // a long GC pause: the process's clock moved on an hour, none of its tasks ran meanwhile, and
    // another engine (whose clock agrees) was granted the lapsed fleet
    clock.jump(Duration.ofHours(1));
    Lease taken = store.acquire(Fixtures.FLEET, "successor", clock.instant(),
        Duration.ofSeconds(30));
    int callsAtWake = platform.calls().size();
    time.advance(Duration.ofSeconds(3)); // the paused engine's next tick is due in this window

    assertThat(platform.calls()).as("no platform call once the lease expired by its own clock")
        .hasSize(callsAtWake);
    assertThat(handle.completion()).isCompletedExceptionally();
    assertThatThrownBy(handle::await).hasMessageContaining("skew margin")
        .hasMessageContaining("fleet " + Fixtures.FLEET).hasMessageContaining(handle.id());
    assertThat(handle.current().events(RolloutEvent.Type.LEASE_LOST)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("reason=lease-expired",
            "token=" + before.token()));
    assertThat(handle.current().phase()).as("the phase stays for the next holder")
        .isEqualTo(RolloutPhase.PROGRESSING);
    assertThat(taken.token()).isGreaterThan(before.token());
    assertThat(store.lease(Fixtures.FLEET)).contains(taken);
    assertThat(paused.active(Fixtures.FLEET)).isEmpty();
  }

  @Test
  void aRetryDueAfterTheLeaseRanOutIsNeverMade() {
    // the first launch fails retryably; its retry waits 40 s, and meanwhile the process pauses
    // past its lease: the retry must check the lease again, not only the first attempt
    platform.failNext("launch", 1, true);
    JumpingClock clock = new JumpingClock(time.clock());
    RolloutEngine engine = RolloutEngine.builder(platform).clock(clock).scheduler(time).seed(5)
        .store(store).identity("retrying").leaseTtl(Duration.ofSeconds(30))
        .retries(new RetrySettings(5, Duration.ofSeconds(40), Duration.ofSeconds(40), 0,
            Duration.ofSeconds(60), Duration.ofSeconds(2), 5))
        .pollInterval(Duration.ofSeconds(2)).build();
    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V1, 3).build());
    time.advance(Duration.ofSeconds(1));
    assertThat(platform.callCount("launch")).as("the failed first attempt").isEqualTo(1);

    clock.jump(Duration.ofHours(1));
    store.acquire(Fixtures.FLEET, "successor", clock.instant(), Duration.ofSeconds(30));
    time.advance(Duration.ofSeconds(45)); // the retry falls due in this window

    assertThat(platform.callCount("launch")).as("no retry once the lease ran out").isEqualTo(1);
    assertThat(handle.completion()).isCompletedExceptionally();
    assertThat(handle.current().events(RolloutEvent.Type.LEASE_LOST)).hasSize(1);
  }

  @Test
  void aRunStopsBeforeExpiryMinusTheMarginEvenWhenNoOneTookTheFleet() {
    platform.script(Fixtures.V1.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    JumpingClock clock = new JumpingClock(time.clock());
    RolloutEngine engine = RolloutEngine.builder(platform).clock(clock).scheduler(time).seed(5)
        .store(store).identity("alone").leaseTtl(Duration.ofSeconds(30))
        .leaseSkewMargin(Duration.ofSeconds(5)).pollInterval(Duration.ofSeconds(2)).build();
    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V1, 3).build());
    time.advance(Duration.ofSeconds(5));
    Lease lease = store.lease(Fixtures.FLEET).orElseThrow();
    // not expired yet, but within the 5 s margin of the lease's expiry: another engine whose
    // clock runs 5 s ahead could take the fleet now
    clock.jump(Duration.between(clock.instant(), lease.expiresAt()).minusSeconds(4));
    int callsAtWake = platform.calls().size();
    time.advance(Duration.ofSeconds(3));

    assertThat(platform.calls()).hasSize(callsAtWake);
    assertThat(handle.completion()).isCompletedExceptionally();
    assertThat(handle.current().events(RolloutEvent.Type.LEASE_LOST)).hasSize(1);
    // once the lease lapsed, the next engine resumes it from the store, under a newer token
    time.advance(Duration.ofSeconds(2));
    RolloutEngine next = RolloutEngine.builder(platform).clock(clock).scheduler(time).seed(6)
        .store(store).identity("next").build();
    assertThat(next.resumeAll()).singleElement()
        .satisfies(h -> assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED));
  }

  @Test
  void anEngineRestartedWithTheSameIdentityFencesOffItsEarlierSelf() {
    RolloutEngine first = engine("deployer");
    first.run(Fixtures.rollout(Fixtures.V1, 2).build());
    platform.script(Fixtures.V2.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    RolloutHandle old = first.start(Fixtures.rollout(Fixtures.V2, 2).build());
    time.advance(Duration.ofSeconds(1));
    Lease oldLease = store.lease(Fixtures.FLEET).orElseThrow();

    // the same identity acquires again (a restart that did not wait): a new token
    Lease again = store.acquire(Fixtures.FLEET, "deployer", time.now(), Duration.ofSeconds(30));
    assertThat(again.token()).isGreaterThan(oldLease.token());
    assertThatThrownBy(() -> store.renew(oldLease, time.now(), Duration.ofSeconds(30)))
        .isInstanceOf(StaleLeaseException.class);
    time.runUntil(() -> old.completion().isDone(), time.now().plus(Duration.ofMinutes(1)));

    assertThat(old.completion()).isCompletedExceptionally();
    assertThat(old.current().events(RolloutEvent.Type.LEASE_LOST)).hasSize(1);
    assertThat(store.load(old.id()).orElseThrow().rollout().events(
        RolloutEvent.Type.LEASE_LOST)).as("the fenced engine wrote nothing more").isEmpty();
  }

  @Test
  void resumingAnOldRolloutOfAFleetThisEngineRunsIsRefusedWithoutFencingOffItsOwnRun() {
    RolloutEngine crashed = engine("crashed");
    crashed.run(Fixtures.rollout(Fixtures.V1, 2).build());
    platform.script(Fixtures.V2.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    RolloutHandle left = crashed.start(Fixtures.rollout(Fixtures.V2, 2).build());
    time.advance(Duration.ofSeconds(5));
    crashed.shutdownNow();
    time.advance(Duration.ofSeconds(31)); // its lease lapsed; its record stays unfinished
    RolloutEngine engine = engine("deployer");
    RolloutHandle running = engine.start(Fixtures.rollout(Fixtures.V1, 2).build());
    Lease held = store.lease(Fixtures.FLEET).orElseThrow();

    assertThatThrownBy(() -> engine.resume(left.id()))
        .isInstanceOf(dev.molt.FleetBusyException.class);

    assertThat(store.lease(Fixtures.FLEET)).as("no new token was granted").contains(held);
    assertThat(running.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(running.current().events(RolloutEvent.Type.LEASE_LOST)).isEmpty();
  }

  @Test
  void aSkewMarginOfAThirdOfTheTtlOrMoreIsRefused() {
    assertThatThrownBy(() -> RolloutEngine.builder(platform).time(time)
        .leaseTtl(Duration.ofSeconds(30)).leaseSkewMargin(Duration.ofSeconds(10)).build())
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e).hasMessageContaining("leaseSkewMargin"));
    assertThatThrownBy(() -> RolloutEngine.builder(platform).leaseSkewMargin(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidSpecException.class);
  }

  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(3).store(store).identity(identity)
        .pollInterval(Duration.ofSeconds(5)).build();
  }
}
