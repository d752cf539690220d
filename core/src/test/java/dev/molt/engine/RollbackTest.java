package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.FailurePolicy;
import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackTest {
  private static final InstanceBehavior OK =
      InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10));

  @Test
  void aRevisionThatNeverBecomesHealthyIsRolledBackWithNothingLeft() {
    List<Integer> servingV1 = new ArrayList<>();
    Fixtures[] f = new Fixtures[1];
    f[0] = new Fixtures((r, e) -> servingV1.add((int) f[0].healthy(Fixtures.V1)));
    f[0].deployV1(10);
    servingV1.clear();
    f[0].platform.script(Fixtures.V2.revision(), OK.neverHealthy());

    Rollout done = f[0].engine.run(Fixtures.rollout(Fixtures.V2, 10)
        .strategy(RollingUpdate.defaults().withHealthyDeadline(Duration.ofMinutes(2))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("failed to become healthy").contains("replacement budget 3"));
    assertThat(f[0].healthy(Fixtures.V1)).isEqualTo(10);
    assertThat(f[0].count(Fixtures.V2)).isZero();
    assertThat(f[0].platform.instances(Fixtures.FLEET)).hasSize(10);
    // maxUnavailable 0: v1 never served below 10 while v2 failed
    assertThat(servingV1).isNotEmpty().allMatch(n -> n == 10);
    assertThat(done.events(RolloutEvent.Type.INSTANCE_FAILED)).isNotEmpty();
    assertThat(done.events(RolloutEvent.Type.ABORTING)).hasSize(1);
  }

  @Test
  void aRevisionThatTurnsUnhealthyMidwayIsRolledBackAndV1Relaunched() {
    Fixtures f = new Fixtures();
    f.deployV1(6);
    // healthy 30 s after launch, unhealthy 20 s later: never healthy for the 30 s min-ready time
    f.platform.script(Fixtures.V2.revision(), OK.turningUnhealthyAfter(Duration.ofSeconds(20)));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 6)
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(1))
            .withMinReadyTime(Duration.ofSeconds(30))
            .withHealthyDeadline(Duration.ofMinutes(1)).withMaxReplacements(1))
        .build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    // maxUnavailable 1 let one v1 instance go before v2 failed: the rollback launched it again
    assertThat(done.events(dev.molt.rollout.RolloutEvent.Type.LAUNCHED))
        .anySatisfy(e -> assertThat(e.message()).contains("version=v1"));
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(6);
    assertThat(f.count(Fixtures.V2)).isZero();
  }

  @Test
  void failedLaunchesUnderThePausePolicyPauseWithAReasonAndLeaveNoFailedInstance() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    f.platform.script(Fixtures.V2.revision(), OK.failingLaunch());

    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .onFailure(FailurePolicy.PAUSE).build());
    f.time.runUntil(() -> handle.current().phase() == RolloutPhase.PAUSED,
        f.time.now().plus(Duration.ofHours(1)));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(handle.current().reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("failed to become healthy"));
    f.time.advance(Duration.ofHours(2));
    assertThat(handle.current().phase()).as("stays paused: no deadline runs while paused")
        .isEqualTo(RolloutPhase.PAUSED);
    assertThat(f.platform.instances(Fixtures.FLEET))
        .allMatch(i -> i.revision().equals(Fixtures.V1.revision()) && i.isHealthy());

    handle.abort("giving up");
    Rollout done = handle.await();
    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(f.healthy(Fixtures.V1)).isEqualTo(4);
  }

  @Test
  void theProgressDeadlineEndsARolloutStuckLaunching() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    f.platform.script(Fixtures.V2.revision(),
        InstanceBehavior.healthy(Duration.ofDays(1), Duration.ZERO));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3)
        .strategy(RollingUpdate.defaults().withHealthyDeadline(Duration.ofDays(2)))
        .progressDeadline(Duration.ofMinutes(10)).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains("no progress"));
    assertThat(done.elapsed()).isLessThan(Duration.ofMinutes(12));
    assertThat(f.count(Fixtures.V2)).isZero();
  }

  @Test
  void aFailedFirstDeployRemovesWhatItLaunched() {
    Fixtures f = new Fixtures();
    f.platform.script(Fixtures.V1.revision(), OK.neverHealthy());

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V1, 5)
        .strategy(RollingUpdate.defaults().withHealthyDeadline(Duration.ofMinutes(1))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.from()).isEmpty();
    assertThat(f.platform.instances(Fixtures.FLEET)).isEmpty();
  }

  @Test
  void instancesWithoutOwnerLabelsAreNeverTouched() {
    Fixtures f = new Fixtures();
    f.deployV1(3);
    f.platform.addForeign("web-00002-copy", Fixtures.FLEET, Fixtures.V1.revision(),
        java.util.Map.of("molt.dev/fleet", "web"));
    f.platform.script(Fixtures.V2.revision(), OK.neverHealthy());

    f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());
    f.engine.run(Fixtures.rollout(Fixtures.V2.toBuilder().env("X", "1").build(), 3).build());

    List<Instance> all = f.platform.instances(Fixtures.FLEET);
    assertThat(all).extracting(Instance::id).contains("web-00002-copy");
    assertThat(f.platform.isAlive("web-00002-copy")).isTrue();
  }
}
