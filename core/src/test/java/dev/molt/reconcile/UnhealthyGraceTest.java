package dev.molt.reconcile;

import dev.molt.engine.ReconcileHandle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutEngine;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.spi.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An instance failing its health check is replaced only once it has failed for the grace period. */
class UnhealthyGraceTest {
  private final MessyFleet f = new MessyFleet();
  private final ScriptedProvider provider = new ScriptedProvider(f.platform, true);
  private final RolloutEngine engine = RolloutEngine.builder(provider).time(f.time).seed(3)
      .pollInterval(Duration.ofSeconds(5)).build();

  @Test
  void anInstanceThatRecoversWithinTheGraceIsLeftAlone() {
    List<String> ids = f.launch(MessyFleet.DECLARED, 4);
    f.time.advance(Duration.ofMinutes(1));
    provider.force(ids.get(2), Health.UNHEALTHY);

    ReconcileHandle handle = engine.reconcile(spec());
    f.time.advance(Duration.ofSeconds(50));
    provider.release(ids.get(2));
    ReconcileReport report = handle.await();

    assertThat(report.finding(ids.get(2))).hasValueSatisfying(u -> {
      assertThat(u.kind()).isEqualTo(Finding.Kind.UNHEALTHY);
      assertThat(u.outcome()).isEqualTo(Outcome.RESOLVED);
    });
    assertThat(report.replaced()).isZero();
    assertThat(f.platform.isAlive(ids.get(2))).isTrue();
    assertThat(f.platform.callCount("launch")).isEqualTo(1); // the setup's only
  }

  @Test
  void anInstanceStillFailingWhenTheGraceEndsIsReplacedThenAndNotBefore() {
    List<String> ids = f.launch(MessyFleet.DECLARED, 4);
    f.time.advance(Duration.ofMinutes(1));
    provider.force(ids.get(0), Health.UNHEALTHY);
    Instant seen = f.time.now();

    ReconcileReport report = engine.reconcile(spec()).await();

    assertThat(report.finding(ids.get(0))).hasValueSatisfying(u -> {
      assertThat(u.outcome()).isEqualTo(Outcome.DONE);
      assertThat(u.reason()).contains("failing its health check since " + seen, "grace 1m00s");
    });
    RolloutEvent launched = report.run().orElseThrow().events(RolloutEvent.Type.LAUNCHED).get(0);
    assertThat(launched.at()).isAfterOrEqualTo(seen.plus(Duration.ofMinutes(1)));
    assertThat(report.replaced()).isEqualTo(1);
    assertThat(f.platform.isAlive(ids.get(0))).isFalse();
  }

  private ReconcileSpec spec() {
    return f.spec().capacity(4).unhealthyGrace(Duration.ofMinutes(1)).build();
  }
}
