package dev.molt.engine.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.7: a reconcile interrupted by a crash resumes as a reconcile on the next engine: the
 * instances it was replacing (tainted here) are still replaced, not kept as a plain rolling update
 * of the declared revision would keep them.
 */
class ResumedReconcileTest {
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time)
      .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
      .build();
  private final RolloutStore store = new InMemoryRolloutStore();

  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(5).store(store).identity(identity)
        .leaseTtl(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(5)).build();
  }

  @Test
  void aReconcileResumedAfterACrashStillReplacesTheTaintedInstances() {
    RolloutEngine first = engine("first");
    first.run(Fixtures.rollout(Fixtures.V1, 4).build());
    List<String> tainted = platform.instances(Fixtures.FLEET).stream().limit(2)
        .map(Instance::id).toList();
    tainted.forEach(id -> first.taint(Fixtures.FLEET, id, "someone logged in"));
    first.reconcile(ReconcileSpec.builder(Fixtures.FLEET).capacity(4).declared(Fixtures.V1)
        .rolling(dev.molt.strategy.RollingUpdate.of(dev.molt.strategy.Amount.of(1),
            dev.molt.strategy.Amount.of(0))).build());
    time.advance(Duration.ofSeconds(3)); // the first replacement is launching
    first.shutdownNow();
    time.advance(Duration.ofSeconds(31)); // the crashed engine's lease lapses

    List<RolloutHandle> resumed = engine("second").resumeAll();

    assertThat(resumed).hasSize(1);
    assertThat(resumed.get(0).await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(tainted).noneMatch(platform::isAlive);
    assertThat(platform.instances(Fixtures.FLEET)).hasSize(4).allMatch(Instance::isHealthy);
  }
}
