package dev.molt.engine.guarantees;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.MoltException;
import dev.molt.reconcile.ReconcileSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 12.9: every public call on a stopped engine fails at once with the "was stopped" error. */
@Timeout(20)
class StoppedEngineTest {

  @Test
  void everyCallOnAStoppedEngineFailsAtOnce() {
    Fixtures f = new Fixtures();
    f.deployV1(2);
    String id = f.platform.instances(Fixtures.FLEET).get(0).id();
    f.engine.shutdownNow();

    assertThatThrownBy(() -> f.engine.taint(Fixtures.FLEET, id, "touched"))
        .isInstanceOf(MoltException.class).hasMessageContaining("was stopped");
    assertThatThrownBy(() -> f.engine.plan(Fixtures.rollout(Fixtures.V2, 2).build()))
        .isInstanceOf(MoltException.class).hasMessageContaining("was stopped");
    assertThatThrownBy(() -> f.engine.start(Fixtures.rollout(Fixtures.V2, 2).build()))
        .isInstanceOf(MoltException.class).hasMessageContaining("was stopped");
    assertThatThrownBy(() -> f.engine.reconcile(ReconcileSpec.builder(Fixtures.FLEET).capacity(2)
        .declared(Fixtures.V1).build())).isInstanceOf(MoltException.class)
        .hasMessageContaining("was stopped");
    assertThatThrownBy(() -> f.engine.remember(Fixtures.V2)).isInstanceOf(MoltException.class)
        .hasMessageContaining("was stopped");
    assertThatThrownBy(f.engine::resumeAll).isInstanceOf(MoltException.class)
        .hasMessageContaining("was stopped");
  }
}
