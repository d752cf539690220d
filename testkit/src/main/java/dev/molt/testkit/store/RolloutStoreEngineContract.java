package dev.molt.testkit.store;

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
import dev.molt.store.RolloutStore;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What engines do with a {@link RolloutStore}, checked against a real medium: the part of the
 * store's job that {@link RolloutStoreContract} (the SPI's rules, call by call) cannot see.
 * Extend it in the store's tests and implement {@link #store()}; each engine gets its own handle
 * on the same medium from {@link #openForEngine()} (by default the same one):
 *
 * <ul>
 *   <li>a rollout is kept, finished, with its launch spec, and its lease released at the end;
 *   <li>an engine that crashed mid-rollout leaves its record for another, which cannot resume it
 *       while the lease holds and finishes it once it lapsed, under a higher token;
 *   <li>an engine whose fleet was granted to another stops with {@code LEASE_LOST}, makes no
 *       further platform call and saves nothing more;
 *   <li>a patch-wave campaign whose process died mid-wave is resumed by another process and ends
 *       as it would have, no fleet rebuilt twice (a store that keeps no campaigns is refused
 *       before anything is rebuilt).
 * </ul>
 *
 * The engines run on an in-memory platform in virtual time. Not thread-safe (JUnit runs one test
 * per instance).
 */
public abstract class RolloutStoreEngineContract {
  /** The first revision the tests deploy. */
  protected static final LaunchSpec V1 = SimulatedPlatform.spec("store-v1");
  /** The revision the tests roll to. */
  protected static final LaunchSpec V2 = SimulatedPlatform.spec("store-v2");
  /** The engines' virtual time. */
  protected final VirtualTime time = VirtualTime.create();
  /** The platform every engine of a test drives. */
  protected final InMemoryProvider platform = InMemoryProvider.builder(time).build();

  /** Creates the contract. */
  protected RolloutStoreEngineContract() {}

  /** @return the store under test; the same medium on every call within a test */
  protected abstract RolloutStore store();

  /**
   * @return a handle on the same medium for one engine; a store of several processes opens a new
   *     one (another connection, another client), the default is {@link #store()}
   */
  protected RolloutStore openForEngine() {
    return store();
  }

  /**
   * @param identity the engine's identity
   * @return an engine on the platform and a handle on the store, poll interval 5 s
   */
  protected RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(7).identity(identity)
        .pollInterval(Duration.ofSeconds(5)).store(openForEngine()).build();
  }

  /**
   * @param target what to roll to
   * @return a rolling update of fleet {@code web} to 3 instances of {@code target}
   */
  protected static RolloutSpec rollout(LaunchSpec target) {
    return RolloutSpec.builder("web").capacity(3).target(target).build();
  }

  @Test
  void aRolloutIsKeptAndItsLeaseReleasedAtTheEnd() {
    RolloutStore store = store();
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
    RolloutStore store = store();
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
  void aCampaignWhoseProcessDiedMidWaveIsResumedByAnother() {
    new CampaignCrash(time, platform, store(), this::engine).resumesAfterACrashOrIsRefused();
  }

  @Test
  void anEngineWhoseFleetWasGrantedToAnotherStopsAndWritesNothingMore() {
    RolloutStore store = store();
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
