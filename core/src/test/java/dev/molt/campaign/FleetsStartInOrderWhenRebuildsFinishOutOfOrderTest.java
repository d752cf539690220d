package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.LaunchSpec;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the fault campaign's campaign schedules, whose replays differed): the
 * rebuilds of fleets that start together run at once, off the engine's threads, and the one
 * started second may return first. Its rollout then started first, so fleets did not start in the
 * wave's order and a seeded run in virtual time was not reproducible (rollout ids and events
 * depended on which thread won). Their rollouts now start in the wave's order, whichever rebuild
 * returns first.
 */
class FleetsStartInOrderWhenRebuildsFinishOutOfOrderTest {
  private final CampaignFixture fx = new CampaignFixture();

  @Test
  void theSecondRebuildReturningFirstDoesNotStartItsRolloutFirst() throws InterruptedException {
    fx.fleet("a", 2, Map.of("tier", "dev"), false);
    fx.fleet("b", 2, Map.of("tier", "dev"), false);
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    CampaignSpec spec = b.wave(Wave.matching("dev", Map.of("tier", "dev"))
        .withMaxConcurrentFleets(2)).build();
    CountDownLatch aWaits = new CountDownLatch(1);
    ImageRebuild inner = fx.rebuild();
    ImageRebuild outOfOrder = (fleet, current, change) -> {
      LaunchSpec next = inner.rebuild(fleet, current, change);
      if (fleet.equals("b")) {
        await(aWaits); // a has noted the queue: b's answer is queued before a's
        return next;
      }
      int queued = fx.time.pendingTasks();
      aWaits.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fx.time.pendingTasks() == queued) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("b's rebuild did not return");
        }
        Thread.onSpinWait();
      }
      return next;
    };

    Campaign done = Campaigns.builder(outOfOrder).engine(fx.engine).time(fx.time).seed(5)
        .build().run(spec);

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.FLEET_STARTED)
        .extracting(e -> e.fleet().orElseThrow()).containsExactly("a", "b");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("a's rebuild did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
