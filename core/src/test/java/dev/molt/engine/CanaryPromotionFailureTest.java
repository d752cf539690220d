package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.InstanceState;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the fault campaign): with a router, a canary instance that failed while the
 * canary was scaled up for promotion was neither terminated nor counted, and replacements were
 * launched beside it without limit, beyond twice the capacity.
 */
class CanaryPromotionFailureTest {

  @Test
  void aCanaryFailingDuringRoutedPromotionNeverTakesTheFleetAboveTwiceItsCapacity() {
    AtomicInteger peak = new AtomicInteger();
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(50)).withPromotion(RollingUpdate.defaults()
            .withHealthyDeadline(Duration.ofMinutes(2)))).build());
    f.time.runUntil(() -> f.platform.weightHistory(Fixtures.FLEET).size() == 1,
        f.time.now().plus(Duration.ofHours(1)));
    f.platform.script(Fixtures.V2.revision(), InstanceBehavior.healthy(
        Duration.ofSeconds(20), Duration.ofSeconds(10)).neverHealthy());

    java.time.Instant giveUp = f.time.now().plus(Duration.ofHours(2));
    while (!handle.completion().isDone() && f.time.now().isBefore(giveUp)) {
      f.time.advance(Duration.ofSeconds(1));
      peak.accumulateAndGet((int) f.platform.instances(Fixtures.FLEET).stream()
          .filter(i -> i.state() != InstanceState.FAILED && i.state() != InstanceState.DRAINED
              && i.state() != InstanceState.TERMINATED).count(), Math::max);
    }

    assertThat(peak.get()).as("instances at the peak").isLessThanOrEqualTo(8);
    assertThat(handle.completion()).as("ended on its own").isDone();
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(f.platform.instances(Fixtures.FLEET)).hasSize(4)
        .allMatch(i -> i.revision().equals(Fixtures.V1.revision()) && i.isHealthy());
  }
}
