package dev.molt.aws.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.Lease;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engines keep their rollouts and leases in DynamoDB (the in-process stub, through the SDK) and
 * drive the in-memory platform in virtual time: run, crash and resume, and fencing.
 */
class DynamoDbEngineTest {
  private static final LaunchSpec V1 = SimulatedPlatform.spec("ddb-v1");
  private static final LaunchSpec V2 = SimulatedPlatform.spec("ddb-v2");
  private final DynamoDbFixture aws = new DynamoDbFixture();
  private final DynamoDbRolloutStore store = aws.store();
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();

  @AfterEach
  void close() {
    aws.close();
  }

  /** An engine with a store of its own on its own client, as on another host. */
  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(7).identity(identity)
        .pollInterval(Duration.ofSeconds(5)).store(aws.store()).build();
  }

  private static RolloutSpec rollout(LaunchSpec target) {
    return RolloutSpec.builder("web").capacity(3).target(target).build();
  }

  @Test
  void aRolloutIsKeptInTheTableAndItsLeaseReleasedAtTheEnd() {
    Rollout done = engine("a").run(rollout(V1));

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(store.load(done.id())).hasValueSatisfying(r -> {
      assertThat(r.rollout()).isEqualTo(done);
      assertThat(r.isFinished()).isTrue();
    });
    assertThat(store.unfinished()).isEmpty();
    assertThat(store.lease("web")).isEmpty();
    assertThat(store.launchSpec(V1.revision())).contains(V1);
  }

  @Test
  void aFreshEngineFinishesWhatACrashedOneLeftOnceItsLeaseLapsed() {
    engine("a").run(rollout(V1));
    platform.script(V2.revision(), InstanceBehavior.healthy(Duration.ofSeconds(40),
        Duration.ofSeconds(20)));
    RolloutEngine crashing = engine("crashing");
    RolloutHandle handle = crashing.start(rollout(V2));
    time.advance(Duration.ofSeconds(15));
    crashing.shutdownNow();
    Lease left = store.lease("web").orElseThrow();

    assertThat(engine("early").resumeAll()).as("the lease still holds").isEmpty();
    time.advance(Duration.ofSeconds(31));
    List<RolloutHandle> resumed = engine("b").resumeAll();

    assertThat(resumed).singleElement().satisfies(h -> {
      assertThat(h.id()).isEqualTo(handle.id());
      Rollout done = h.await();
      assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      assertThat(done.events(RolloutEvent.Type.RECOVERED)).hasSize(1);
    });
    assertThat(store.unfinished()).isEmpty();
    assertThat(platform.instances("web")).hasSize(3)
        .allMatch(i -> i.revision().equals(V2.revision()));
    assertThat(store.launchSpec(V1.revision())).as("a rollback's spec, from any engine")
        .contains(V1);
    assertThat(store.acquire("web", "later", time.now(), Duration.ofSeconds(30)).token())
        .as("every grant took a higher token").isGreaterThan(left.token() + 1);
  }

  @Test
  void anEngineWhoseFleetWasGrantedToAnotherStopsAndWritesNothingMore() {
    platform.script(V1.revision(), InstanceBehavior.healthy(Duration.ofSeconds(60),
        Duration.ofSeconds(30)));
    RolloutHandle handle = engine("stalled").start(rollout(V1));
    time.advance(Duration.ofSeconds(5));
    int savedEvents = store.load(handle.id()).orElseThrow().rollout().history().size();
    // as if "stalled" had been paused past its lease: another engine was granted the fleet
    store.acquire("web", "successor", time.now().plus(Duration.ofHours(1)), Duration.ofHours(2));

    assertThat(time.runUntil(() -> handle.completion().isDone(),
        time.now().plus(Duration.ofSeconds(30)))).isTrue();
    long calls = platform.calls().size();
    time.advance(Duration.ofMinutes(2));

    assertThat(handle.completion()).isCompletedExceptionally();
    assertThat(handle.current().events(RolloutEvent.Type.LEASE_LOST)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("holder=successor"));
    assertThat(platform.calls()).as("no call after the lease was lost").hasSize((int) calls);
    assertThat(store.load(handle.id()).orElseThrow().rollout().history())
        .as("nothing saved after the grant").hasSizeLessThanOrEqualTo(
            handle.current().history().size() - 1).hasSizeGreaterThanOrEqualTo(savedEvents);
  }
}
