package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.rollout.IllegalControlException;
import dev.molt.MoltException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutFailedException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlsTest {

  @Test
  void pauseHoldsTheFleetStillAndResumeFinishes() {
    Fixtures f = new Fixtures();
    f.deployV1(8);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 8).build());
    f.time.advance(Duration.ofSeconds(45));
    handle.pause();
    f.time.advance(Duration.ofSeconds(1));
    long launchesAtPause = f.platform.callCount("launch");
    int stepAtPause = handle.current().step();

    f.time.advance(Duration.ofHours(3));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(f.platform.callCount("launch")).isEqualTo(launchesAtPause);
    assertThat(handle.current().step()).isEqualTo(stepAtPause);
    handle.resume();
    Rollout done = handle.awaitSuccess();
    assertThat(done.events(RolloutEvent.Type.PAUSED)).hasSize(1);
    assertThat(done.events(RolloutEvent.Type.RESUMED)).hasSize(1);
    assertThat(f.healthy(Fixtures.V2)).isEqualTo(8);
  }

  @Test
  void abortWinsOverAPendingWaitAndRestoresTheOldRevision() {
    Fixtures f = new Fixtures(InstanceBehavior.healthy(Duration.ofMinutes(30), Duration.ZERO));
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).build());
    f.time.advance(Duration.ofMinutes(1)); // v2 instances are launching for 30 minutes
    assertThat(f.count(Fixtures.V2)).isPositive();

    handle.abort("bad build");
    f.time.runDueTasks(); // no time passes: the abort acts at once

    assertThat(handle.current().phase()).isIn(RolloutPhase.ABORTING, RolloutPhase.ROLLED_BACK);
    assertThat(f.count(Fixtures.V2)).isZero();
    Rollout done = handle.await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).contains("aborted: bad build");
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void controlsOutsideTheirPhasesSaySo() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThatThrownBy(handle::resume).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("resume is valid only while PAUSED");
    handle.await();
    assertThatThrownBy(handle::pause).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("SUCCEEDED");
    assertThatThrownBy(() -> handle.abort("late")).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("already ended SUCCEEDED");
  }

  @Test
  void aRollbackCannotBePaused() {
    Fixtures f = new Fixtures(InstanceBehavior.healthy(Duration.ofMinutes(5), Duration.ZERO));
    f.deployV1(2);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    f.time.advance(Duration.ofSeconds(1));
    handle.abort("stop");
    assertThatThrownBy(handle::pause).isInstanceOf(IllegalControlException.class)
        .hasMessageContaining("ABORTING");
    handle.await();
  }

  @Test
  void oneEngineRunsOneRolloutPerFleet() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    RolloutHandle first = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThatThrownBy(() -> f.engine.start(Fixtures.rollout(Fixtures.V1, 2).build()))
        .isInstanceOf(MoltException.class).hasMessageContaining(first.id());
    assertThat(f.engine.active(Fixtures.FLEET)).contains(first);
    first.await();
    assertThat(f.engine.active(Fixtures.FLEET)).isEmpty();
  }

  @Test
  void awaitSuccessThrowsWithTheFinalRollout() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    f.platform.script(Fixtures.V2.revision(), InstanceBehavior.defaults().failingLaunch());
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build());
    assertThatThrownBy(handle::awaitSuccess).isInstanceOfSatisfying(RolloutFailedException.class,
        e -> assertThat(e.rollout().phase()).isEqualTo(RolloutPhase.ROLLED_BACK));
  }
}
