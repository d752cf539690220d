package dev.molt.engine.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.FaultHook;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A rollback is the way back to a known state: relaunches of the previous revision that the
 * platform fails are replaced again, whatever the strategy's replacement budget (which judges the
 * new revision), until its progress deadline.
 */
class RollbackPersistsTest {

  @Test
  void relaunchesOfThePreviousRevisionThatFailAreReplacedBeyondTheReplacementBudget() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    Revision v1 = Fixtures.V1.revision();
    Revision v2 = Fixtures.V2.revision();
    AtomicInteger v1Relaunches = new AtomicInteger();
    f.platform.faults(new FaultHook() {
      @Override
      public InstanceBehavior behaviorOf(String fleet, Revision revision,
          InstanceBehavior scripted) {
        if (revision.equals(v2)) {
          return scripted.neverHealthy();
        }
        // the first three relaunches of v1 fail: more than the budget of 1
        return v1Relaunches.incrementAndGet() <= 3 ? scripted.failingLaunch() : scripted;
      }
    });

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3)
        .strategy(RollingUpdate.of(Amount.of(0), Amount.of(1)).withMaxReplacements(1)).build());

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(v1Relaunches.get()).isGreaterThan(3);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(3);
    assertThat(f.count(Fixtures.V2)).isZero();
  }
}
