package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.Lease;
import dev.molt.store.RolloutStore;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Controller mode: engines sharing a store share fleets, take a dead engine's over within a lease
 * TTL and a tick, and never act on a fleet whose lease another engine holds.
 */
class FleetControllerTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration TICK = Duration.ofSeconds(2);
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time)
      .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(5), Duration.ofSeconds(2)))
      .build();
  private final RolloutStore store = new InMemoryRolloutStore();
  /** Platform calls that change something, made while another engine held the fleet's lease. */
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<RolloutEngine> engines = new ArrayList<>();
  private final AtomicReference<LaunchSpec> declared = new AtomicReference<>(Fixtures.V1);

  private static final List<String> FLEETS = IntStream.rangeClosed(1, 6)
      .mapToObj(i -> "app-" + i).toList();

  @AfterEach
  void noEngineActedOnAFleetAnotherHeld() {
    engines.forEach(RolloutEngine::shutdownNow);
    assertThat(violations).isEmpty();
  }

  private RolloutEngine engine(String identity) {
    return engine(identity, time);
  }

  private RolloutEngine engine(String identity, VirtualTime clock) {
    RolloutEngine engine = RolloutEngine.builder(guarded(identity)).time(clock).seed(7)
        .store(store).identity(identity).leaseTtl(TTL).pollInterval(TICK).build();
    engines.add(engine);
    return engine;
  }

  private FleetController controller(RolloutEngine engine) {
    return FleetController.builder(engine).group("test").tick(TICK)
        .reconcileInterval(Duration.ofSeconds(20))
        .fleets(() -> FLEETS.stream().map(f -> ReconcileSpec.builder(f).capacity(2)
            .declared(declared.get()).build()).toList())
        .start();
  }

  /** The platform as {@code identity} uses it: every change is checked against the store. */
  private Provider guarded(String identity) {
    return new ForwardingProvider(platform) {
      @Override
      public List<Instance> launch(LaunchRequest request) {
        check("launch", request.fleet());
        return super.launch(request);
      }

      @Override
      public void drain(String fleet, List<Instance> instances) {
        check("drain", fleet);
        super.drain(fleet, instances);
      }

      @Override
      public void terminate(String fleet, List<Instance> instances) {
        check("terminate", fleet);
        super.terminate(fleet, instances);
      }

      private void check(String call, String fleet) {
        Optional<Lease> lease = store.lease(fleet);
        Instant now = time.now();
        if (lease.isEmpty() || !lease.get().holder().equals(identity)
            || !lease.get().isHeldAt(now)) {
          violations.add(now + " " + identity + " " + call + " " + fleet + " while the lease was "
              + lease);
        }
      }
    };
  }

  private long serving(String fleet, LaunchSpec spec) {
    return platform.observe(fleet).stream().filter(i -> i.revision().equals(spec.revision()))
        .filter(i -> i.state() == InstanceState.RUNNING || i.state() == InstanceState.HEALTHY)
        .count();
  }

  @Test
  void aLoneEngineHoldsEveryFleetAndReconcilesEachUp() {
    FleetController a = controller(engine("engine-a"));
    time.advance(Duration.ofMinutes(2));

    assertThat(a.held()).containsExactlyElementsOf(FLEETS);
    assertThat(a.members()).isEqualTo(1);
    FLEETS.forEach(f -> assertThat(serving(f, Fixtures.V1)).as(f).isEqualTo(2));
    FLEETS.forEach(f -> assertThat(store.lease(f).orElseThrow().holder()).isEqualTo("engine-a"));
  }

  @Test
  void anEngineThatJoinsTakesAFairShareAsTheOtherLetsGo() {
    FleetController a = controller(engine("engine-a"));
    time.advance(Duration.ofMinutes(1));
    FleetController b = controller(engine("engine-b"));
    time.advance(Duration.ofMinutes(1));

    assertThat(a.members()).isEqualTo(2);
    assertThat(a.held()).hasSize(3);
    assertThat(b.held()).hasSize(3);
    Set<String> both = new HashSet<>(a.held());
    both.addAll(b.held());
    assertThat(both).containsExactlyInAnyOrderElementsOf(FLEETS);
    FLEETS.forEach(f -> assertThat(serving(f, Fixtures.V1)).as(f).isEqualTo(2));
  }

  @Test
  void aDeadEnginesFleetsAreTakenOverWithinOneTtlAndOneTickAndItsRolloutsFinished() {
    RolloutEngine engineA = engine("engine-a");
    FleetController a = controller(engineA);
    time.advance(Duration.ofMinutes(1));
    FleetController b = controller(engine("engine-b"));
    time.advance(Duration.ofMinutes(1));
    List<String> ofA = a.held();

    declared.set(Fixtures.V2); // the declared spec changes: each held fleet rolls to v2
    time.advance(Duration.ofSeconds(21)); // every fleet's next reconcile pass began
    assertThat(store.unfinished()).as("rollouts under way").isNotEmpty();
    Instant lapse = ofA.stream().map(f -> store.lease(f).orElseThrow().expiresAt())
        .max(Instant::compareTo).orElseThrow();
    // its membership was renewed last, just before it died: it lapses 20 s after its fleets do,
    // and the survivors must not wait for it to take the fleets over
    Lease membership = store.lease("controller-test-0").orElseThrow();
    assertThat(membership.holder()).isEqualTo("engine-a");
    Lease renewed = store.renew(membership, time.now(), TTL.plusSeconds(20));
    engineA.shutdownNow(); // engine a dies mid-rollout
    Instant died = time.now();
    Instant tookAll = null;
    while (tookAll == null && time.now().isBefore(died.plus(Duration.ofMinutes(2)))) {
      time.advance(Duration.ofSeconds(1));
      if (b.held().size() == FLEETS.size()) {
        tookAll = time.now();
      }
    }

    assertThat(tookAll).as("engine b took every fleet over").isNotNull();
    assertThat(Duration.between(died, tookAll)).isLessThanOrEqualTo(TTL.plus(TICK).plus(TICK));
    assertThat(tookAll).as("before its membership lapsed").isBefore(renewed.expiresAt());
    // at the first ticks after the last of its leases lapsed, not once its membership lapsed too
    assertThat(Duration.between(lapse, tookAll)).isLessThanOrEqualTo(TICK.multipliedBy(2));
    time.advance(Duration.ofMinutes(3));
    assertThat(b.members()).as("once the dead engine's membership lapsed").isEqualTo(1);
    assertThat(b.held()).as("and kept, not shed").containsExactlyElementsOf(FLEETS);
    assertThat(store.unfinished()).as("every rollout of the dead engine finished").isEmpty();
    FLEETS.forEach(f -> assertThat(serving(f, Fixtures.V2)).as(f).isEqualTo(2));
    FLEETS.forEach(f -> assertThat(serving(f, Fixtures.V1)).as(f).isZero());
    assertThat(ofA).isNotEmpty();
  }

  @Test
  void anEnginePausedPastItsLeasesDropsThemWhenItWakesAndNeverActsOnWhatItHeld() {
    VirtualTime ownTime = VirtualTime.startingAt(time.now()); // engine a's own clock and tasks
    FleetController a = controller(engine("engine-a", ownTime));
    FleetController b = controller(engine("engine-b"));
    for (int s = 0; s < 60; s++) { // both run side by side for a minute
      time.advance(Duration.ofSeconds(1));
      ownTime.advance(Duration.ofSeconds(1));
    }
    List<String> ofA = a.held();
    assertThat(ofA).hasSize(3);
    declared.set(Fixtures.V2);
    for (int s = 0; s < 21; s++) { // every fleet's next pass began: rollouts to v2 under way
      time.advance(Duration.ofSeconds(1));
      ownTime.advance(Duration.ofSeconds(1));
    }

    time.advance(Duration.ofMinutes(2)); // engine a is stopped (a long GC): b takes over
    assertThat(b.held()).containsExactlyElementsOf(FLEETS);
    ownTime.advance(Duration.ofMinutes(2)); // engine a wakes, its clock past every lease

    assertThat(a.held()).as("dropped on waking").isEmpty();
    time.advance(Duration.ofMinutes(3));
    ownTime.advance(Duration.ofMinutes(3));
    assertThat(b.held()).containsExactlyElementsOf(FLEETS);
    FLEETS.forEach(f -> assertThat(serving(f, Fixtures.V2)).as(f).isEqualTo(2));
    // and the @AfterEach check: engine a made no platform change once b held its fleets
  }

  @Test
  void aClosedControllerLetsGoOfItsFleetsAtOnceAndAnotherTakesThem() {
    FleetController a = controller(engine("engine-a"));
    FleetController b = controller(engine("engine-b"));
    time.advance(Duration.ofMinutes(1));
    a.close();
    time.advance(TICK.multipliedBy(2));

    assertThat(a.held()).isEmpty();
    assertThat(b.held()).containsExactlyElementsOf(FLEETS);
  }

  @Test
  void aRolloutStartedOnTheHoldingEngineRunsUnderTheControllersLease() {
    RolloutEngine engineA = engine("engine-a");
    FleetController a = controller(engineA);
    time.advance(Duration.ofMinutes(1));
    long token = store.lease("app-1").orElseThrow().token();

    assertThat(engineA.start(dev.molt.rollout.RolloutSpec.builder("app-1").capacity(2).target(Fixtures.V2).build()).await()
        .phase()).isEqualTo(dev.molt.rollout.RolloutPhase.SUCCEEDED);
    assertThat(store.lease("app-1").orElseThrow()).as("still held, same token")
        .satisfies(l -> assertThat(l.token()).isEqualTo(token))
        .satisfies(l -> assertThat(l.holder()).isEqualTo("engine-a"));
    assertThat(a.held()).contains("app-1");
  }

  @Test
  void aClosedEngineReleasesEveryLeaseItsControllerHeldAndTheOneItsRunActsUnder() {
    RolloutEngine engineA = engine("engine-a");
    controller(engineA);
    time.advance(Duration.ofMinutes(1));
    // every fleet's first grant has token 1: a run acts under one of them, the rest are idle
    engineA.start(dev.molt.rollout.RolloutSpec.builder("app-1").capacity(2)
        .target(Fixtures.V2).build());
    time.advance(Duration.ofSeconds(1));
    assertThat(FLEETS).allSatisfy(f -> assertThat(store.lease(f)).isPresent());

    engineA.close();

    assertThat(FLEETS).allSatisfy(f -> assertThat(store.lease(f)).as(f).isEmpty());
    assertThat(store.lease("controller-test-0")).as("its membership").isEmpty();
  }

  @Test
  void badDeclarationsAreRefusedBeforeAnythingRuns() {
    RolloutEngine engineA = engine("engine-a");
    ReconcileSpec one = ReconcileSpec.builder("app-1").capacity(2).declared(Fixtures.V1).build();
    assertThatThrownBy(() -> FleetController.builder(engineA).fleets(List.of(one, one)).start())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("app-1 twice");
    assertThatThrownBy(() -> FleetController.builder(engineA)
        .fleets(List.of(one.withDryRun(true))).start())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("dry runs");
    assertThatThrownBy(() -> FleetController.builder(engineA).group("Bad Group"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("group");
    ReconcileSpec reserved = ReconcileSpec.builder("controller-default-0").capacity(2)
        .declared(Fixtures.V1).build();
    assertThatThrownBy(() -> FleetController.builder(engineA).fleets(List.of(reserved)).start())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("reserved");
    assertThat(platform.callCount("launch")).isZero();
  }
}
