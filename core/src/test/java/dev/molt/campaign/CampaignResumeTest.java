package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.MoltException;
import dev.molt.engine.RolloutEngine;
import dev.molt.store.FileRolloutStore;
import dev.molt.store.FleetLockedException;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.Amount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A campaign kept in a store survives the death of its process at any of its events: another
 * process, with new engines on the same store and platform, resumes it to the same end (every
 * fleet's outcome, the campaign's phase), within the exposure budget, and never starts a fleet
 * twice nor leaves one on a revision the uncrashed campaign would not have.
 */
class CampaignResumeTest {
  private static final Duration LAPSE = Duration.ofSeconds(31); // past both 30 s leases

  @TempDir
  Path dir;

  /** What a campaign ends with, fleet by fleet. */
  private record End(CampaignPhase phase, Map<String, FleetStatus> fleets,
      Map<String, String> revisions) {
    static End of(Campaign c, CampaignFixture fx) {
      Map<String, FleetStatus> fleets = new LinkedHashMap<>();
      Map<String, String> revisions = new LinkedHashMap<>();
      for (FleetProgress f : c.fleets()) {
        fleets.put(f.fleet(), f.status());
        revisions.put(f.fleet(), fx.platform.instances(f.fleet()).stream()
            .map(i -> i.revision().equals(f.from()) ? "r-v1"
                : f.target().filter(i.revision()::equals).isPresent() ? "r-v2"
                : i.revision().id()).distinct().sorted().toList().toString());
      }
      return new End(c.phase(), fleets, revisions);
    }
  }

  /** Three waves, one broken fleet within maxFailures: some fleets roll back, the rest succeed. */
  private static CampaignSpec goesOn(CampaignFixture fx) {
    fx.fleet("canary", 1, Map.of("tier", "canary"), false);
    fx.fleet("dev-a", 2, Map.of("tier", "dev"), false);
    fx.fleet("dev-b", 2, Map.of("tier", "dev"), true);
    fx.fleet("prod-a", 2, Map.of("tier", "prod"), false);
    fx.fleet("prod-b", 3, Map.of("tier", "prod"), false);
    fx.broken.add("dev-b");
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    return b.wave(Wave.matching("canary", Map.of("tier", "canary")).withBake(
            Duration.ofMinutes(10)))
        .wave(Wave.matching("dev", Map.of("tier", "dev")).withMaxConcurrentFleets(2))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withMaxConcurrentFleets(1))
        .maxExposure(50).maxFailures(Amount.of(1)).build();
  }

  /** Two broken fleets past maxFailures=0, rolling back what changed: the halt path. */
  private static CampaignSpec halts(CampaignFixture fx) {
    fx.fleet("dev-a", 2, Map.of("tier", "dev"), false);
    fx.fleet("dev-b", 2, Map.of("tier", "dev"), false);
    fx.fleet("dev-c", 2, Map.of("tier", "dev"), false);
    fx.fleet("prod-a", 2, Map.of("tier", "prod"), false);
    fx.broken.add("dev-c");
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    return b.wave(Wave.matching("dev", Map.of("tier", "dev")).withMaxConcurrentFleets(3))
        .wave(Wave.matching("prod", Map.of("tier", "prod")))
        .maxExposure(100).maxFailures(Amount.of(0)).rollBackOnHalt(true).build();
  }

  private static End uncrashed(java.util.function.Function<CampaignFixture, CampaignSpec> scenario) {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = scenario.apply(fx);
    Campaigns campaigns = kept(fx, fx.store, "first");
    return End.of(campaigns.run(spec), fx);
  }

  private static Campaigns kept(CampaignFixture fx, RolloutStore store, String identity) {
    return Campaigns.builder(fx.rebuild()).engine(fx.engine).time(fx.time).seed(5).store(store)
        .identity(identity).build();
  }

  /**
   * Runs the scenario, kills engine and campaign process right after the campaign's n-th event,
   * lets their leases lapse, and resumes in a new process.
   *
   * @return the end, or empty if the campaign had fewer than n events
   */
  private static java.util.Optional<End> crashAt(int n, RolloutStore store,
      java.util.function.Function<CampaignFixture, CampaignSpec> scenario) {
    CampaignFixture fx = new CampaignFixture(store);
    CampaignSpec spec = scenario.apply(fx);
    AtomicInteger seen = new AtomicInteger();
    Campaigns[] first = new Campaigns[1];
    first[0] = Campaigns.builder(fx.rebuild()).engine(fx.engine).time(fx.time).seed(5)
        .store(store).identity("first").listener((c, e) -> {
          if (seen.incrementAndGet() == n) {
            first[0].shutdownNow();
            fx.engine.shutdownNow();
          }
        }).build();
    CampaignHandle before = first[0].start(spec);
    fx.time.runUntil(() -> seen.get() >= n || before.completion().isDone(),
        fx.time.now().plus(Duration.ofDays(2)));
    if (seen.get() < n) {
      return java.util.Optional.empty(); // it ended with fewer events
    }
    assertThat(before.completion()).as("a stopped campaign says so").isCompletedExceptionally();
    fx.time.advance(LAPSE);
    Campaign saved = CampaignStore.read(store.campaign(before.id()).orElseThrow());
    if (saved.phase().isTerminal()) {
      return java.util.Optional.of(End.of(saved, fx)); // it died right after saving its end
    }

    RolloutEngine engine = fx.newEngine("engine-2", 11);
    engine.resumeAll();
    Campaigns second = Campaigns.builder(fx.rebuild()).engine(engine).time(fx.time).seed(7)
        .store(store).identity("second").build();
    CampaignHandle after = second.resume(spec);
    assertThat(after.id()).isEqualTo(before.id());
    Campaign done = after.await();
    assertThat(done.history()).extracting(CampaignEvent::type).contains(
        CampaignEvent.Type.RECOVERED);
    assertThat(done.peakExposure()).isLessThanOrEqualTo(spec.exposureBudget());
    assertThat(store.unfinishedCampaigns()).isEmpty();
    assertThat(store.lease(CampaignStore.leaseName(spec.name()))).isEmpty();
    return java.util.Optional.of(End.of(done, fx));
  }

  private void resumesToTheSameEndFromEveryEvent(
      java.util.function.Function<CampaignFixture, CampaignSpec> scenario, End expected) {
    assertThat(uncrashed(scenario)).isEqualTo(expected);
    int crashes = 0;
    for (int n = 1; ; n++) {
      java.util.Optional<End> end = crashAt(n, new InMemoryRolloutStore(), scenario);
      if (end.isEmpty()) {
        break;
      }
      crashes++;
      assertThat(end.get()).as("crashed after event %d", n).isEqualTo(expected);
    }
    assertThat(crashes).as("crash points").isGreaterThan(15);
  }

  private static final String V1 = "[r-v1]";
  private static final String V2 = "[r-v2]";

  /** What {@code goesOn} ends with: every fleet on its rebuilt image but dev-b, rolled back. */
  private static End wentOn() {
    Map<String, FleetStatus> fleets = new LinkedHashMap<>();
    Map<String, String> revisions = new LinkedHashMap<>();
    for (String f : List.of("canary", "dev-a", "dev-b", "prod-a", "prod-b")) {
      fleets.put(f, f.equals("dev-b") ? FleetStatus.ROLLED_BACK : FleetStatus.SUCCEEDED);
      revisions.put(f, f.equals("dev-b") ? V1 : V2);
    }
    return new End(CampaignPhase.SUCCEEDED, fleets, revisions);
  }

  @Test
  void aCampaignThatGoesOnResumesToTheSameEndAfterACrashAtAnyEvent() {
    resumesToTheSameEndFromEveryEvent(CampaignResumeTest::goesOn, wentOn());
  }

  @Test
  void aHaltingCampaignRollsBackTheSameFleetsAfterACrashAtAnyEvent() {
    Map<String, FleetStatus> fleets = new LinkedHashMap<>();
    fleets.put("dev-a", FleetStatus.REVERTED);
    fleets.put("dev-b", FleetStatus.REVERTED);
    fleets.put("dev-c", FleetStatus.ROLLED_BACK);
    fleets.put("prod-a", FleetStatus.PENDING);
    Map<String, String> revisions = new LinkedHashMap<>();
    fleets.keySet().forEach(f -> revisions.put(f, V1));
    resumesToTheSameEndFromEveryEvent(CampaignResumeTest::halts,
        new End(CampaignPhase.HALTED, fleets, revisions));
  }

  @Test
  void theFileStoreKeepsACampaignAcrossACrash() {
    assertThat(crashAt(9, FileRolloutStore.open(dir.resolve("files")), CampaignResumeTest::goesOn))
        .contains(wentOn());
  }

  @Test
  void aSecondProcessCannotDriveACampaignWhoseLeaseHolds() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    Campaigns first = kept(fx, fx.store, "first");
    CampaignHandle running = first.start(spec);

    assertThatThrownBy(() -> kept(fx, fx.store, "second").resume(spec))
        .isInstanceOf(FleetLockedException.class);
    assertThatThrownBy(() -> kept(fx, fx.store, "second").start(spec))
        .isInstanceOf(FleetLockedException.class);
    assertThatThrownBy(() -> kept(fx, fx.store, "first").start(spec))
        .as("the same identity in another object").isInstanceOf(FleetLockedException.class);
    assertThat(running.await().phase()).isEqualTo(CampaignPhase.SUCCEEDED);
  }

  @Test
  void anUnfinishedCampaignIsResumedNotStartedAgain() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    Campaigns first = kept(fx, fx.store, "first");
    CampaignHandle running = first.start(spec);
    fx.time.advance(Duration.ofMinutes(1));
    first.close();

    assertThatThrownBy(() -> kept(fx, fx.store, "second").start(spec))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is unfinished")
        .hasMessageContaining(running.id());
    assertThat(fx.store.lease(CampaignStore.leaseName("patch"))).as("released by the refusal")
        .isEmpty();
    assertThat(kept(fx, fx.store, "second").resume(spec).await().phase())
        .isEqualTo(CampaignPhase.SUCCEEDED);
  }

  @Test
  void aProcessWhoseLeaseWasTakenOverStopsAndSaysSo() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    CampaignHandle first = kept(fx, fx.store, "first").start(spec);
    fx.time.advance(Duration.ofSeconds(1));
    // another process was granted the lease, as after a pause of the first past its TTL
    fx.store.release(fx.store.lease(CampaignStore.leaseName("patch")).orElseThrow());
    fx.store.acquire(CampaignStore.leaseName("patch"), "thief", fx.time.now(),
        Duration.ofMinutes(5));

    fx.time.runUntil(() -> first.completion().isDone(), fx.time.now().plus(Duration.ofHours(2)));

    assertThat(first.completion()).isCompletedExceptionally();
    assertThatThrownBy(first.completion()::join).hasCauseInstanceOf(MoltException.class)
        .hasMessageContaining("granted to another process");
    int rebuilt = fx.rebuilt.size();
    Campaign last = first.current();
    fx.time.advance(Duration.ofHours(3));
    assertThat(fx.rebuilt).as("nothing rebuilt after the lease was lost").hasSize(rebuilt);
    assertThat(first.current()).as("nothing decided after the lease was lost").isEqualTo(last);
    assertThatThrownBy(first::pause).isInstanceOf(
        dev.molt.rollout.IllegalControlException.class).hasMessageContaining("no longer driven");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Patch Wave", "campaign-name-that-is-far-too-long-for-a-lease"})
  void aNameNoLeaseCanHaveIsRefusedBeforeAnythingStarts(String name) {
    CampaignFixture fx = new CampaignFixture();
    goesOn(fx);
    CampaignSpec.Builder b = CampaignSpec.builder(name, CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    CampaignSpec spec = b.wave(Wave.of("all", fx.fleets.stream().map(CampaignFleet::name)
        .toArray(String[]::new))).build();

    assertThatThrownBy(() -> kept(fx, fx.store, "first").start(spec))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("name");
    assertThat(fx.rebuilt).isEmpty();
  }

  @Test
  void aStoreThatKeepsNoCampaignsIsRefusedByName() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    RolloutStore kept = new InMemoryRolloutStore();
    RolloutStore plain = (RolloutStore) java.lang.reflect.Proxy.newProxyInstance(
        RolloutStore.class.getClassLoader(), new Class<?>[] {RolloutStore.class},
        (proxy, method, args) -> method.getName().equals("keepsCampaigns") ? false
            : method.invoke(kept, args));
    assertThatThrownBy(() -> kept(fx, plain, "first").start(spec))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("does not keep campaigns");
    assertThat(fx.rebuilt).isEmpty();
  }

  @Test
  void resumingWithAnotherSpecIsRefusedNamingTheDifference() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    Campaigns first = kept(fx, fx.store, "first");
    first.start(spec);
    first.close();
    CampaignSpec.Builder other = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(other::fleet);
    CampaignSpec oneWave = other.wave(Wave.of("all", fx.fleets.stream()
        .map(CampaignFleet::name).toArray(String[]::new))).build();

    assertThatThrownBy(() -> kept(fx, fx.store, "second").resume(oneWave))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("was saved with");
  }

  @Test
  void aSaveTheStoreCannotMakeIsRetriedAndNothingReactsBeforeIt() {
    InMemoryRolloutStore real = new InMemoryRolloutStore();
    AtomicInteger saves = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    java.util.List<Integer> rebuiltWhileRefusing = new java.util.concurrent.CopyOnWriteArrayList<>();
    CampaignFixture[] fixture = new CampaignFixture[1];
    RolloutStore flaky = (RolloutStore) java.lang.reflect.Proxy.newProxyInstance(
        RolloutStore.class.getClassLoader(), new Class<?>[] {RolloutStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("saveCampaign")) {
            int n = saves.incrementAndGet();
            if (n >= 4 && n < 8) { // four saves in a row fail, as a database blip would
              refused.incrementAndGet();
              rebuiltWhileRefusing.add(fixture[0].rebuilt.size());
              throw new dev.molt.store.StoreException("injected: the database did not answer");
            }
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    CampaignFixture fx = new CampaignFixture(real);
    fixture[0] = fx;
    CampaignSpec spec = goesOn(fx);

    Campaign done = kept(fx, flaky, "first").run(spec);

    assertThat(refused.get()).isEqualTo(4);
    assertThat(rebuiltWhileRefusing).as("no rebuild was asked for while the save was refused")
        .containsOnly(rebuiltWhileRefusing.get(0));
    assertThat(End.of(done, fx)).isEqualTo(wentOn());
    assertThat(real.unfinishedCampaigns()).isEmpty();
  }

  @Test
  void closeGivesTheLeaseBackSoAnotherProcessResumesAtOnce() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec spec = goesOn(fx);
    Campaigns first = kept(fx, fx.store, "first");
    first.start(spec);
    fx.time.advance(Duration.ofMinutes(3));
    first.close();

    Campaign done = kept(fx, fx.store, "second").resume(spec).await();

    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(List.copyOf(done.history())).extracting(CampaignEvent::type)
        .containsOnlyOnce(CampaignEvent.Type.STARTED, CampaignEvent.Type.RECOVERED);
  }
}
