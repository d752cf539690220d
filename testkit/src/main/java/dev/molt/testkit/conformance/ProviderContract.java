package dev.molt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Provider} must pass. Extend it in the provider's tests, implement the
 * few hooks, and every test here runs against the real platform (or its fake):
 *
 * <ul>
 *   <li>launch returns at once with at most its count of instances (a platform whose controller
 *       creates them afterwards may name fewer, even none) and observe shows all of them within
 *       the deadline; launch is idempotent for a request key;
 *   <li>observe returns exactly what was launched and not terminated, with the owner labels;
 *   <li>health reaches a verdict within the deadline;
 *   <li>a healthy streak is dated from its start: once an instance was seen not healthy and is
 *       healthy again, the {@code healthySince} a rollout sees (through the engine's own
 *       observation path), and the one the provider reports if it reports one, are not earlier
 *       than the moment it was seen not healthy;
 *   <li>drain then terminate removes an instance, and terminating twice is not an error;
 *   <li>drain and terminate refuse (non-retryable) an instance Molt does not own, and leave it;
 *       a batch mixing owned and foreign instances is refused whole, before anything is touched;
 *   <li>for a provider that places by zone (opted in through {@link #placementZones()}): a launch
 *       asked for a zone reports that zone on every instance, and an unzoned launch still works.
 * </ul>
 *
 * Providers with a traffic router extend {@link RoutedProviderContract}, which adds the traffic
 * clauses (weights change atomically and reversibly; terminate refuses an instance that still has
 * traffic). Each test uses a fresh provider from {@link
 * #createProvider()} and a fleet of its own ({@link #newFleet()}: unique in this run and across
 * runs, since real platforms and shared emulators outlive a test), and cleans up after itself:
 * after each test the kit clears the split it set, drains and terminates, through the provider,
 * every instance left in the fleets it used, waits (bounded by {@link #healthDeadline()}) until
 * the provider observes none, and hands every instance {@link #createForeignInstance} made to
 * {@link #removeForeignInstance}; a test that leaves anything behind fails. Then {@link
 * #cleanUp} runs. Not thread-safe (JUnit runs one test per instance).
 */
public abstract class ProviderContract {
  private static final String RUN = java.util.HexFormat.of()
      .toHexDigits(new java.security.SecureRandom().nextInt()).substring(0, 6);
  private final List<String> used = new java.util.ArrayList<>();
  private final List<String> foreign = new java.util.ArrayList<>();
  private Provider provider;
  private int fleets;
  private Optional<ScheduledExecutorService> realTime = Optional.empty();

  /** For subclasses. */
  protected ProviderContract() {}

  /** @return a fresh provider to test; called before each test */
  protected abstract Provider createProvider();

  /** @return a launch spec the platform can run and judge healthy */
  protected abstract LaunchSpec launchSpec();

  /**
   * Lets time pass until {@code condition} holds. By default polls real time every 50 ms ({@link
   * #pollUntil}), which suits a provider on a real or mock platform; a provider on virtual time
   * overrides it to drive its clock instead.
   *
   * @param condition what to wait for
   * @param deadline the most time to allow
   * @return whether it held in time
   */
  protected boolean await(BooleanSupplier condition, Duration deadline) {
    return pollUntil(condition, deadline, Duration.ofMillis(50));
  }

  /**
   * The default {@link #await}: checks {@code condition} every {@code
   * interval} of real time, on a daemon thread, until it holds or {@code deadline} has passed. No
   * sleeping: the calling thread waits on the outcome.
   *
   * @param condition what to wait for
   * @param deadline the most time to allow
   * @param interval how often to check
   * @return whether it held in time
   */
  protected static boolean pollUntil(BooleanSupplier condition, Duration deadline,
      Duration interval) {
    ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "molt-contract-poll");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<Boolean> held = new CompletableFuture<>();
    try {
      checks.scheduleWithFixedDelay(() -> {
        try {
          if (condition.getAsBoolean()) {
            held.complete(true);
          }
        } catch (RuntimeException e) {
          held.completeExceptionally(e);
        }
      }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
      return held.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } finally {
      checks.shutdownNow();
    }
  }

  /**
   * Creates an instance in {@code fleet} that Molt does not own (no owner labels).
   *
   * @param fleet the fleet name
   * @return its platform id
   */
  protected abstract String createForeignInstance(String fleet);

  /**
   * Removes, by going to the platform directly (the provider rightly refuses to), an instance
   * {@link #createForeignInstance} made; the kit calls it after each test for every one the test
   * made. Default: nothing, which suits a fake that {@link #cleanUp} discards whole; override it
   * on a platform that outlives the test (a real account, a shared emulator, a Docker engine).
   *
   * @param instanceId its platform id
   */
  protected void removeForeignInstance(String instanceId) {}

  /**
   * Tells, by asking the platform directly (not through the provider's filtered listing), whether
   * an instance still exists.
   *
   * @param instanceId its platform id
   * @return true if it exists and is not terminated
   */
  protected abstract boolean exists(String instanceId);

  /**
   * Makes {@code instance} fail its health check on the platform, as a hung process or a lost
   * dependency would, until {@link #restoreHealth}: the platform's own check must see it (a
   * paused container, a readiness probe failing, a target failing its checks), not a flag in the
   * provider.
   *
   * @param fleet the fleet it belongs to
   * @param instance the instance, as launched
   */
  protected abstract void failHealth(String fleet, Instance instance);

  /**
   * Undoes {@link #failHealth}: the instance passes its health check again.
   *
   * @param fleet the fleet it belongs to
   * @param instance the instance, as launched
   */
  protected abstract void restoreHealth(String fleet, Instance instance);

  /**
   * The clock the engine would run on with this provider; the platform's timestamps are compared
   * with it. Default: the system clock. A provider on virtual time returns that time's clock.
   *
   * @return the clock
   */
  protected Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The scheduler the engine would wait on with this provider. Default: real time, on a daemon
   * thread this contract stops after each test. A provider on virtual time returns that time.
   *
   * @return the scheduler
   */
  protected Scheduler scheduler() {
    if (realTime.isEmpty()) {
      realTime = Optional.of(Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "molt-contract-engine");
        t.setDaemon(true);
        return t;
      }));
    }
    return Scheduler.of(realTime.get());
  }

  /**
   * The opt-in hook of the zone clauses: a provider that places by zone ({@link
   * LaunchRequest#zone()}) returns zones of the platform under test it can launch {@link
   * #launchSpec()} into (two or three; the first is used where one is enough). Then a launch
   * asked for zone {@code z} must report {@code z} as {@link OwnerLabels#ZONE} on every instance,
   * and an unzoned launch must still work beside it. Default: none, for a provider that cannot
   * place by zone and so ignores the request's zone, as {@link LaunchRequest#zone()} allows; the
   * zone clauses then check that a zoned launch is launched anyway, never refused.
   *
   * @return the zones to launch into, or empty
   */
  protected List<String> placementZones() {
    return List.of();
  }

  /** @return how long an instance of {@link #launchSpec()} may take to be judged (default 3 min) */
  protected Duration healthDeadline() {
    return Duration.ofMinutes(3);
  }

  /** Releases whatever {@link #createProvider()} made; the default does nothing. */
  protected void cleanUp(Provider tested) {}

  /** @return the provider under test */
  protected final Provider provider() {
    return provider;
  }

  @BeforeEach
  final void createTheProvider() {
    provider = createProvider();
  }

  @AfterEach
  final void cleanUpTheProvider() {
    try {
      try {
        removeWhatTheTestLeft();
      } finally {
        foreign.forEach(this::removeForeignInstance);
        foreign.clear();
        cleanUp(provider);
      }
    } finally {
      realTime.ifPresent(ScheduledExecutorService::shutdownNow);
      realTime = Optional.empty();
    }
  }

  /**
   * A fleet name no other test uses, in this run or another on the same platform (real platforms
   * outlive test runs): {@code conformance-<run>-<n>}.
   *
   * @return the name, also listed by {@link #fleetsUsed()}
   */
  protected final String newFleet() {
    String fleet = "conformance-" + RUN + "-" + (++fleets);
    used.add(fleet);
    return fleet;
  }

  /**
   * Clears each used fleet's split, drains and terminates its instances through the provider,
   * and waits until it observes none.
   */
  private void removeWhatTheTestLeft() {
    for (String fleet : used) {
      provider.router().ifPresent(r -> {
        if (!r.weights(fleet).isEmpty()) {
          r.setWeights(fleet, Map.of());
        }
      });
      List<Instance> left = provider.observe(fleet);
      if (!left.isEmpty()) {
        provider.drain(fleet, left);
        provider.terminate(fleet, left);
      }
      assertThat(await(() -> provider.observe(fleet).isEmpty(), healthDeadline()))
          .as("after the test, %s has no instances left in fleet %s (within %s); left: %s",
              provider.name(), fleet, healthDeadline(), provider.observe(fleet))
          .isTrue();
    }
  }

  /** @return an instance made by {@link #createForeignInstance}, removed after the test */
  final String foreignInstance(String fleet) {
    String id = createForeignInstance(fleet);
    foreign.add(id);
    return id;
  }

  /** @return the fleets this test has used so far, for {@link #cleanUp} */
  protected final List<String> fleetsUsed() {
    return List.copyOf(used);
  }

  /**
   * Launches through the provider and returns every instance the request made: those launch named
   * (at most the request's count, checked here), then, as {@link Provider#launch} allows a platform
   * to name fewer, the rest as {@link Provider#observe} shows them (new instances of the request's
   * revision in its fleet), waiting at most {@link #healthDeadline()} for all of them to be past
   * {@code LAUNCHING} (a platform may show what it has yet to create as {@code LAUNCHING}
   * stand-ins of other ids).
   *
   * @param request what to launch; its revision must have no other launch in flight in the fleet
   * @return the request's instances, the ones launch named first
   */
  protected final List<Instance> launchAll(LaunchRequest request) {
    Set<String> before = Set.copyOf(ids(provider.observe(request.fleet())));
    List<Instance> named = provider.launch(request);
    assertThat(named).as("what %s's launch names, at most the request's count", provider.name())
        .hasSizeLessThanOrEqualTo(request.count());
    AtomicReference<List<Instance>> made = new AtomicReference<>(List.of());
    boolean all = await(() -> {
      made.set(provider.observe(request.fleet()).stream()
          .filter(i -> i.revision().equals(request.revision()) && !before.contains(i.id())
              && i.state() != InstanceState.LAUNCHING)
          .toList());
      return made.get().size() >= request.count();
    }, healthDeadline());
    assertThat(all).as("%s observes the %s instances launched within %s; saw %s",
        provider.name(), request.count(), healthDeadline(), made.get()).isTrue();
    assertThat(ids(made.get())).as("what launch named is among what it launched")
        .containsAll(ids(named));
    List<Instance> out = new ArrayList<>(named);
    made.get().stream().filter(i -> !ids(named).contains(i.id())).forEach(out::add);
    return List.copyOf(out);
  }

  @Test
  void launchIsIdempotentPerRequestKey() {
    String fleet = newFleet();
    LaunchRequest request = new LaunchRequest(fleet, launchSpec(), 2, "ro-contract", "ro-contract-1");
    List<Instance> first = launchAll(request);
    List<Instance> again = provider.launch(request);

    assertThat(first).hasSize(2);
    assertThat(ids(again)).as("the same request key launches nothing more")
        .hasSizeLessThanOrEqualTo(2).isSubsetOf(ids(first));
    assertThat(ids(provider.observe(fleet))).containsExactlyInAnyOrderElementsOf(ids(first));
  }

  @Test
  void observeReturnsExactlyWhatWasLaunchedAndNotTerminatedWithOwnerLabels() {
    String fleet = newFleet();
    List<Instance> launched = launchAll(new LaunchRequest(fleet, launchSpec(), 3,
        "ro-contract", "ro-contract-2"));
    foreignInstance(fleet);
    provider.terminate(fleet, List.of(launched.get(0)));

    List<Instance> seen = provider.observe(fleet);
    assertThat(ids(seen)).containsExactlyInAnyOrderElementsOf(ids(launched.subList(1, 3)));
    assertThat(seen).allSatisfy(i -> {
      assertThat(OwnerLabels.isOwned(i.labels(), fleet)).as("owner labels of %s", i.id()).isTrue();
      assertThat(i.revision()).isEqualTo(launchSpec().revision());
      assertThat(i.labels()).containsEntry(OwnerLabels.ROLLOUT, "ro-contract");
    });
  }

  @Test
  void healthReachesAVerdictWithinItsDeadline() {
    String fleet = newFleet();
    launchAll(new LaunchRequest(fleet, launchSpec(), 1, "ro-contract", "ro-contract-3"));
    AtomicReference<Map<String, Health>> last = new AtomicReference<>(Map.of());
    boolean judged = await(() -> {
      List<Instance> running = provider.observe(fleet).stream()
          .filter(i -> i.state() == InstanceState.RUNNING || i.state() == InstanceState.HEALTHY)
          .toList();
      last.set(running.isEmpty() ? Map.of() : provider.health(fleet, running));
      return last.get().values().stream().anyMatch(h -> h != Health.UNKNOWN);
    }, healthDeadline());

    assertThat(judged).as("a verdict within %s; last verdicts %s", healthDeadline(), last.get())
        .isTrue();
    assertThat(last.get()).containsValue(Health.HEALTHY);
  }

  @Test
  void drainThenTerminateRemovesTheInstanceAndTerminatingTwiceIsNoError() {
    String fleet = newFleet();
    Instance one = launchAll(new LaunchRequest(fleet, launchSpec(), 1, "ro-contract",
        "ro-contract-4")).get(0);
    await(() -> provider.observe(fleet).stream()
        .anyMatch(i -> i.state() != InstanceState.LAUNCHING), healthDeadline());

    provider.drain(fleet, List.of(one));
    assertThat(provider.observe(fleet)).singleElement()
        .satisfies(i -> assertThat(i.state().isDraining()).as("state %s", i.state()).isTrue());
    provider.terminate(fleet, List.of(one));
    provider.terminate(fleet, List.of(one));

    assertThat(provider.observe(fleet)).isEmpty();
    assertThat(exists(one.id())).isFalse();
  }

  @Test
  void drainAndTerminateRefuseAnInstanceMoltDoesNotOwnAndLeaveIt() {
    String fleet = newFleet();
    String foreignId = foreignInstance(fleet);
    Instance foreign = new Instance(foreignId, fleet, launchSpec().revision(),
        java.util.Optional.empty(), InstanceState.RUNNING, java.time.Instant.EPOCH,
        java.time.Instant.EPOCH, java.util.Optional.empty(), Map.of());

    assertThatThrownBy(() -> provider.terminate(fleet, List.of(foreign)))
        .isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.retryable()).isFalse());
    assertThatThrownBy(() -> provider.drain(fleet, List.of(foreign)))
        .isInstanceOf(ProviderException.class);
    assertThat(exists(foreignId)).isTrue();
    assertThat(provider.observe(fleet)).extracting(Instance::id).doesNotContain(foreignId);
  }

  @Test
  void aBatchMixingOwnedAndForeignInstancesIsRefusedBeforeAnythingIsTouched() {
    String fleet = newFleet();
    Instance owned = launchAll(new LaunchRequest(fleet, launchSpec(), 1, "ro-contract",
        "ro-contract-5")).get(0);
    String foreignId = foreignInstance(fleet);
    Instance forged = new Instance(foreignId, fleet, owned.revision(), owned.address(),
        owned.state(), owned.launchedAt(), owned.stateSince(), owned.healthySince(),
        owned.labels());

    assertThatThrownBy(() -> provider.terminate(fleet, List.of(owned, forged)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).as("names the refused instance").contains(foreignId);
        });
    assertThat(exists(foreignId)).isTrue();
    assertThat(ids(provider.observe(fleet))).containsExactly(owned.id());
  }

  @Test
  void aHealthyStreakStartsAfterTheInstanceWasLastSeenNotHealthy() {
    String fleet = newFleet();
    Instance one = launchAll(new LaunchRequest(fleet, launchSpec(), 1, "ro-contract",
        "ro-contract-6")).get(0);
    EngineObservation engine = new EngineObservation(provider, fleet, clock(), scheduler());
    AtomicReference<Optional<Instance>> seen = new AtomicReference<>(Optional.empty());
    assertThat(await(() -> healthy(seen, engine.observe(one.id())), healthDeadline()))
        .as("%s healthy within %s; last seen %s", one.id(), healthDeadline(), seen.get())
        .isTrue();
    letTimePass();

    failHealth(fleet, one);
    assertThat(await(() -> !healthy(seen, engine.observe(one.id())), healthDeadline()))
        .as("%s seen not healthy within %s of failing its check; last seen %s", one.id(),
            healthDeadline(), seen.get())
        .isTrue();
    Instant notHealthy = clock().instant();
    letTimePass(); // so that a streak dated from before the failure cannot pass for a new one
    restoreHealth(fleet, one);
    assertThat(await(() -> healthy(seen, engine.observe(one.id())), healthDeadline()))
        .as("%s healthy again within %s; last seen %s", one.id(), healthDeadline(), seen.get())
        .isTrue();

    assertThat(seen.get().flatMap(Instance::healthySince))
        .as("the healthySince a rollout sees, once seen not healthy at %s: %s", notHealthy,
            seen.get())
        .hasValueSatisfying(since -> assertThat(since).isAfterOrEqualTo(notHealthy));
    Optional<Instant> reported = provider.observe(fleet).stream()
        .filter(i -> i.id().equals(one.id())).findFirst().flatMap(Instance::healthySince);
    reported.ifPresent(since -> assertThat(since)
        .as("the healthySince %s reports (seen not healthy at %s)", provider.name(), notHealthy)
        .isAfterOrEqualTo(notHealthy));
  }

  @Test
  void aLaunchAskedForAZoneReportsThatZoneOnEveryInstance() {
    List<String> zones = List.copyOf(placementZones());
    if (zones.isEmpty()) {
      ZoneRules.aZoneItCannotPlaceByIsIgnored(this);
    } else {
      ZoneRules.eachLaunchLandsInTheZoneAskedFor(this, zones);
    }
  }

  @Test
  void anUnzonedLaunchStillWorksBesideAZonedOne() {
    List<String> zones = List.copyOf(placementZones());
    ZoneRules.anUnzonedLaunchStillWorksBesideAZonedOne(this, zones.isEmpty()
        ? ZoneRules.UNPLACED : zones.get(0), !zones.isEmpty());
  }

  /** Waits until the clock has moved on from now. */
  private void letTimePass() {
    Instant now = clock().instant();
    assertThat(await(() -> clock().instant().isAfter(now), healthDeadline()))
        .as("the clock moved on from %s", now).isTrue();
  }

  private static boolean healthy(AtomicReference<Optional<Instance>> last,
      Optional<Instance> now) {
    last.set(now);
    return now.map(Instance::isHealthy).orElse(false);
  }

  private static List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).toList();
  }
}
