package dev.molt.kubernetes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.inmemory.InstanceBehavior;
import dev.molt.engine.RolloutHandle;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.RolloutStore;
import dev.molt.testkit.store.RolloutStoreEngineContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engines keep their rollouts and leases in Kubernetes objects (the mock API server) while they
 * drive an in-memory platform in virtual time: the test kit's engine contract (run, crash, resume
 * by a second engine, fencing of an engine whose fleet was granted to another), each engine on a
 * client of its own, and a control from another client.
 */
class KubernetesRolloutStoreEngineTest extends RolloutStoreEngineContract {
  private static final Duration POLL = Duration.ofSeconds(5);
  private final MockApi api = new MockApi();
  private final KubernetesRolloutStore store = api.store();

  @AfterEach
  void close() {
    api.close();
  }

  @Override
  protected RolloutStore store() {
    return store;
  }

  /** @return a store of its own, on its own client: another process's */
  @Override
  protected RolloutStore openForEngine() {
    return api.store();
  }

  @Test
  void aPauseRequestedThroughAnotherClientReachesTheHolderWithinOnePoll() {
    engine("holder").run(rollout(V1));
    platform.script(V2.revision(), InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10)));
    RolloutHandle handle = engine("holder").start(rollout(V2));
    time.advance(Duration.ofSeconds(1));
    KubernetesRolloutStore cli = api.store();

    ControlRequest pause = ControlRequest.of(handle.id(), ControlRequest.Control.PAUSE,
        "cli-alice", time.now());
    cli.request(pause);
    cli.request(pause); // a retrying CLI: kept once
    time.advance(POLL);

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(cli.requests(handle.id())).containsExactly(pause);
    assertThat(cli.load(handle.id()).flatMap(r -> r.answer(pause.id())))
        .hasValueSatisfying(a -> {
          assertThat(a.outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
          assertThat(a.answeredBy()).isEqualTo("holder");
        });
  }
}
