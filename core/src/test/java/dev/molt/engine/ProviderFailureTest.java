package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import org.junit.jupiter.api.Test;

class ProviderFailureTest {

  @Test
  void throttledCallsAreRetriedInVirtualTimeAndTheRolloutSucceeds() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    f.platform.failNext("launch", 3, true);
    f.platform.failNext("observe", 2, true);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.PROVIDER_ERROR)).isEmpty();
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(3);
  }

  @Test
  void aRetriedLaunchIsOneRequestNotTwo() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    f.platform.loseLaunchResponses(1);
    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 2)
        .strategy(dev.molt.strategy.RollingUpdate.of(dev.molt.strategy.Amount.of(2),
            dev.molt.strategy.Amount.of(0))).build());
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    // 2 of v1 and exactly 2 of v2 were ever created: the retry reused the first launch
    assertThat(f.platform.createdCount(Fixtures.FLEET)).isEqualTo(4);
  }

  @Test
  void nonRetryableErrorsAreRecordedAndTheEngineObservesAgain() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    f.platform.failNext("drain", 2, false);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(done.events(RolloutEvent.Type.PROVIDER_ERROR)).hasSize(2)
        .allSatisfy(e -> assertThat(e.message()).contains("drain fleet web failed"));
  }

  @Test
  void aPlatformThatKeepsFailingEndsTheRolloutInsteadOfHanging() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    f.platform.failNext("observe", Integer.MAX_VALUE, true);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.FAILED);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("rollback failed")
        .contains("no progress"));
  }
}
