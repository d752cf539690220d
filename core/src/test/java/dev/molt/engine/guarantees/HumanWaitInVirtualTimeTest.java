package dev.molt.engine.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutHandle;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12.8: in virtual time nothing but the waiting thread drives time, so waiting on a rollout
 * held for a person must fail at once, saying which control it waits for and how to drive it.
 */
@Timeout(20)
class HumanWaitInVirtualTimeTest {

  @Test
  void runningAManualBlueGreenFailsAtOnceNamingPromote() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    assertThatThrownBy(() -> f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(BlueGreen.defaults().withManualPromotion()).build()))
        .isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("waits for promote()")
        .hasMessageContaining("at step")
        .hasMessageContaining("start()");
  }

  @Test
  void awaitingAPausedRolloutFailsAtOnceNamingResume() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    f.time.advance(Duration.ofSeconds(1));
    h.pause();
    assertThatThrownBy(h::await).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("waits for resume()");
    h.resume();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED); // and it still can end
  }

  @Test
  void awaitingACanaryPausedUntilResumedFailsAtOnce() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(CanaryStep.setWeight(25), CanaryStep.pauseUntilResumed(),
            CanaryStep.setWeight(100))).build());
    assertThatThrownBy(h::await).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("waits for promote() or resume()");
    h.promote();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void undoOfAManualBlueGreenFailsAtOnceWhenTheUndoWaitsForPromotionToo() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 2)
        .strategy(BlueGreen.defaults().withManualPromotion()).build());
    assertThatThrownBy(h::await).isInstanceOf(IllegalControlException.class);
    h.promote();
    assertThat(h.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    RolloutHandle undo = h.undo();

    assertThatThrownBy(undo::await).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("waits for promote()");
  }
}
