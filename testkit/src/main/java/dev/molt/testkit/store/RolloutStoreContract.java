package dev.molt.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.FleetLockedException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RolloutStore} must pass. Extend it in the store's tests and implement
 * {@link #createStore()} (and {@link #openAgain} for a store shared between processes); every test
 * here then runs against the real medium:
 *
 * <ul>
 *   <li>a saved record loads equal, awkward text included, and a save replaces it;
 *   <li>{@code unfinished()} lists exactly the records not in a terminal phase, oldest start first;
 *   <li>a fleet's lease excludes a second holder, who is told the first holder's name;
 *   <li>a lease lapses at its expiry (by the caller's clock, here fixed instants) and another holder
 *       takes it over with a higher fencing token;
 *   <li>the holder renews its lease, keeping the token;
 *   <li>a lease that lapsed but was not taken over is still the fleet's newest: it saves and
 *       renews, keeping its token, and then excludes others again;
 *   <li>a writer whose token is stale (a newer lease was granted, or its own was released) is
 *       refused with a {@link StaleLeaseException}, and nothing it sent is written; nor may it renew
 *       or release;
 *   <li>a release frees the fleet at once, and the next grant still gets a higher token;
 *   <li>concurrent acquires from several handles on the store grant the lease exactly once;
 *   <li>control requests are kept once per id, listed oldest first, and a record's answers to
 *       them round-trip with it;
 *   <li>a request sent again under its id is delivered once, as first sent, whatever the second
 *       copy carries and whichever handle sent it; ids are per rollout;
 *   <li>a store that keeps campaigns keeps each as saved last, lists the unfinished ones and
 *       refuses a stale writer or the lease of another name, as for records; one that does not
 *       says so and refuses to save one with a {@link dev.molt.store.StoreException}.
 * </ul>
 *
 * Each test uses a fresh store from {@link #createStore()}. Time is the caller's: stores never
 * read a clock, so the instants here are fixed. Not thread-safe (JUnit runs one test per instance).
 */
public abstract class RolloutStoreContract {
  /** The time the tests start at. */
  protected static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  /** The lease time to live the tests use. */
  protected static final Duration TTL = Duration.ofSeconds(30);

  private RolloutStore store;

  /** For subclasses. */
  protected RolloutStoreContract() {}

  /** @return a fresh, empty store to test; called before each test */
  protected abstract RolloutStore createStore();

  /**
   * Opens a second handle on the same storage as {@code store}, as another process sharing it
   * would (a second {@code FileRolloutStore} on the same directory, a second connection pool on
   * the same database). The default returns {@code store} itself, for stores that live in one
   * process's memory.
   *
   * @param store the store under test
   * @return another handle on the same storage
   */
  protected RolloutStore openAgain(RolloutStore store) {
    return store;
  }

  /** Releases what {@link #createStore()} took; the default does nothing. */
  protected void closeStore() {}

  /** @return the store under test in this test */
  protected final RolloutStore store() {
    return store;
  }

  @BeforeEach
  final void createTheStore() {
    store = createStore();
  }

  @AfterEach
  final void closeTheStore() {
    closeStore();
  }

  @Test
  void aSavedRecordLoadsEqualAndASaveReplacesIt() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    Lease api = store.acquire("api", "engine-a", T0, TTL);
    RolloutRecord running = StoreRecords.record("ro-1", "web", RolloutPhase.ABORTING, T0, 40);
    RolloutRecord done = StoreRecords.record("ro-2", "api", RolloutPhase.SUCCEEDED, T0, 3);
    store.save(web, running);
    store.save(api, done);

    assertThat(store.load("ro-1")).contains(running);
    assertThat(openAgain(store).load("ro-2")).as("seen through another handle").contains(done);
    assertThat(store.load("ro-missing")).isEmpty();

    RolloutRecord later = StoreRecords.record("ro-1", "web", RolloutPhase.ROLLED_BACK, T0, 41);
    store.save(web, later);
    assertThat(store.load("ro-1")).contains(later);
    assertThat(store.load("ro-1").orElseThrow().rollout().history()).hasSize(41);
  }

  @Test
  void unfinishedListsTheRecordsNotYetEndedOldestStartFirst() {
    Lease a = store.acquire("fleet-a", "engine-a", T0, TTL);
    Lease b = store.acquire("fleet-b", "engine-a", T0, TTL);
    Lease c = store.acquire("fleet-c", "engine-a", T0, TTL);
    RolloutRecord newest = StoreRecords.record("ro-new", "fleet-a", RolloutPhase.PROGRESSING,
        T0.plusSeconds(300), 2);
    RolloutRecord oldest = StoreRecords.record("ro-old", "fleet-b", RolloutPhase.PAUSED,
        T0.minusSeconds(300), 2);
    RolloutRecord ended = StoreRecords.record("ro-end", "fleet-c", RolloutPhase.FAILED, T0, 2);
    store.save(a, newest);
    store.save(c, ended);
    store.save(b, oldest);

    assertThat(store.unfinished()).containsExactly(oldest, newest);
    store.save(a, StoreRecords.record("ro-new", "fleet-a", RolloutPhase.SUCCEEDED,
        T0.plusSeconds(300), 3));
    assertThat(openAgain(store).unfinished()).containsExactly(oldest);
  }

  @Test
  void theLaunchSpecsOfSavedRecordsAreFoundByRevision() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord r = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 1);
    store.save(web, r);

    assertThat(store.launchSpec(r.spec().target().revision())).contains(r.spec().target());
    assertThat(store.launchSpec(r.previous().orElseThrow().revision())).isEqualTo(r.previous());
    assertThat(store.launchSpec(StoreRecords.target("elsewhere").revision())).isEmpty();
  }

  @Test
  void controlRequestsAreKeptOnceOldestFirstAndAnswersTravelWithTheRecord() {
    ControlRequest later = new ControlRequest("cr-b", "ro-1", ControlRequest.Control.PAUSE,
        Optional.empty(), "cli-alice", T0.plusSeconds(5));
    ControlRequest earlier = new ControlRequest("cr-c", "ro-1", ControlRequest.Control.ABORT,
        Optional.of("bad build: " + StoreRecords.AWKWARD), "cli-bob", T0.plusSeconds(1));
    ControlRequest sameTime = new ControlRequest("cr-a", "ro-1", ControlRequest.Control.RESUME,
        Optional.empty(), "cli-alice", T0.plusSeconds(5));
    store.request(later);
    openAgain(store).request(earlier);
    store.request(sameTime);
    store.request(later); // sent again: kept once

    assertThat(store.requests("ro-1")).containsExactly(earlier, sameTime, later);
    assertThat(openAgain(store).requests("ro-1")).containsExactly(earlier, sameTime, later);
    assertThat(store.requests("ro-2")).isEmpty();

    Lease web = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord plain = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2);
    RolloutRecord answered = new RolloutRecord(plain.spec(), plain.previous(), plain.rollout(),
        plain.resumes(), plain.steps(), plain.reconcile(), List.of(
            new ControlAnswer("cr-c", ControlAnswer.Outcome.APPLIED, "applied", "engine-a",
                T0.plusSeconds(2)),
            new ControlAnswer("cr-a", ControlAnswer.Outcome.REFUSED, "cannot resume: "
                + StoreRecords.AWKWARD, "engine-a", T0.plusSeconds(6))));
    store.save(web, answered);
    assertThat(openAgain(store).load("ro-1")).contains(answered);
    assertThat(store.load("ro-1").orElseThrow().answer("cr-a").map(ControlAnswer::outcome))
        .contains(ControlAnswer.Outcome.REFUSED);
    assertThat(store.load("ro-1").orElseThrow().answer("cr-b")).isEmpty();

    // the failure causes a resumed engine goes on counting, with awkward keys
    RolloutRecord failing = new RolloutRecord(answered.spec(), answered.previous(),
        answered.rollout(), answered.resumes(), answered.steps(), answered.reconcile(),
        answered.answers(), Map.of("exited with code 3; last log lines: " + StoreRecords.AWKWARD,
            2, "container still running, not healthy: GET http://<addr>/health", 1));
    store.save(web, failing);
    assertThat(openAgain(store).load("ro-1")).contains(failing);
    assertThat(store.load("ro-1").orElseThrow().withSpec(failing.spec())).isEqualTo(failing);
  }

  @Test
  void aRequestSentAgainUnderItsIdIsDeliveredOnceAsFirstSent() {
    ControlRequest first = new ControlRequest("cr-1", "ro-1", ControlRequest.Control.PAUSE,
        Optional.empty(), "cli-alice", T0);
    ControlRequest sameIdOtherContent = new ControlRequest("cr-1", "ro-1",
        ControlRequest.Control.ABORT, Optional.of("changed my mind"), "cli-bob",
        T0.plusSeconds(9));
    ControlRequest sameIdOtherRollout = new ControlRequest("cr-1", "ro-2",
        ControlRequest.Control.RESUME, Optional.empty(), "cli-alice", T0.plusSeconds(1));
    store.request(first);
    openAgain(store).request(sameIdOtherContent);
    store.request(sameIdOtherContent);
    store.request(sameIdOtherRollout);

    assertThat(store.requests("ro-1")).containsExactly(first);
    assertThat(openAgain(store).requests("ro-1")).containsExactly(first);
    assertThat(store.requests("ro-2")).as("ids are per rollout").containsExactly(
        sameIdOtherRollout);
  }

  @Test
  void aSecondHolderIsRefusedNamingTheFirstWhileTheLeaseHolds() {
    Lease first = store.acquire("web", "engine-a", T0, TTL);
    assertThat(first.fleet()).isEqualTo("web");
    assertThat(first.holder()).isEqualTo("engine-a");
    assertThat(first.expiresAt()).isEqualTo(T0.plus(TTL));
    assertThat(first.token()).isPositive();

    for (RolloutStore handle : List.of(store, openAgain(store))) {
      assertThatThrownBy(() -> handle.acquire("web", "engine-b", T0.plusSeconds(29), TTL))
          .isInstanceOfSatisfying(FleetLockedException.class, e -> {
            assertThat(e.holder()).isEqualTo("engine-a");
            assertThat(e.fleet()).isEqualTo("web");
            assertThat(e.expiresAt()).isEqualTo(T0.plus(TTL));
            assertThat(e).hasMessageContaining("engine-a");
          });
    }
    assertThat(store.acquire("api", "engine-b", T0, TTL).holder())
        .as("leases are per fleet").isEqualTo("engine-b");
    assertThat(openAgain(store).lease("web")).contains(first);
    assertThat(store.lease("nobody")).isEmpty();
  }

  @Test
  void aLapsedLeaseIsTakenOverWithAHigherToken() {
    Lease first = store.acquire("web", "engine-a", T0, TTL);

    Lease taken = openAgain(store).acquire("web", "engine-b", T0.plus(TTL), TTL);

    assertThat(taken.holder()).isEqualTo("engine-b");
    assertThat(taken.expiresAt()).isEqualTo(T0.plus(TTL).plus(TTL));
    assertThat(taken.token()).isGreaterThan(first.token());
    assertThat(store.lease("web")).contains(taken);
    assertThatThrownBy(() -> store.acquire("web", "engine-a", T0.plus(TTL).plusSeconds(1), TTL))
        .isInstanceOfSatisfying(FleetLockedException.class,
            e -> assertThat(e.holder()).isEqualTo("engine-b"));
  }

  @Test
  void theHolderRenewsItsLeaseKeepingTheTokenAndAFreshAcquireFencesTheOldOne() {
    Lease first = store.acquire("web", "engine-a", T0, TTL);

    Lease renewed = store.renew(first, T0.plusSeconds(20), TTL);

    assertThat(renewed).isEqualTo(new Lease("web", "engine-a", T0.plusSeconds(50),
        first.token()));
    assertThat(store.lease("web")).contains(renewed);
    assertThatThrownBy(() -> store.acquire("web", "engine-b", T0.plusSeconds(49), TTL))
        .isInstanceOf(FleetLockedException.class);
    assertThat(store.renew(renewed, T0.plusSeconds(40), TTL).expiresAt())
        .isEqualTo(T0.plusSeconds(70));

    // the same identity acquiring again (a restarted process) gets a new token: its earlier
    // incarnation is fenced off
    Lease again = store.acquire("web", "engine-a", T0.plusSeconds(41), TTL);
    assertThat(again.token()).isGreaterThan(first.token());
    assertThatThrownBy(() -> store.renew(renewed, T0.plusSeconds(42), TTL))
        .isInstanceOf(StaleLeaseException.class);
  }

  @Test
  void aLapsedLeaseThatNoOneTookOverStillSavesAndRenews() {
    Lease lapsed = store.acquire("web", "engine-a", T0, TTL);
    Instant late = T0.plus(TTL).plusSeconds(5);
    RolloutRecord record = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 3);

    store.save(lapsed, record);
    Lease renewed = store.renew(lapsed, late, TTL);

    assertThat(openAgain(store).load("ro-1")).contains(record);
    assertThat(renewed).isEqualTo(new Lease("web", "engine-a", late.plus(TTL), lapsed.token()));
    assertThat(store.lease("web")).contains(renewed);
    assertThatThrownBy(() -> openAgain(store).acquire("web", "engine-b", late.plusSeconds(1),
        TTL)).isInstanceOfSatisfying(FleetLockedException.class,
            e -> assertThat(e.holder()).isEqualTo("engine-a"));
  }

  @Test
  void aCampaignIsKeptAsSavedLastOrRefusedByAStoreThatKeepsNone() {
    new CampaignRules(store, this::openAgain, T0, TTL).keepsTheLastSaveAndListsTheUnfinished();
  }

  @Test
  void aCampaignSaveIsFencedByItsLeaseAsARecordIs() {
    new CampaignRules(store, this::openAgain, T0, TTL).refusesAStaleOrForeignWriter();
  }

  @Test
  void aWriterWithAStaleTokenIsRefusedAndNothingItSentIsWritten() {
    Lease old = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord before = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 5);
    store.save(old, before);
    Lease current = openAgain(store).acquire("web", "engine-b", T0.plus(TTL).plusSeconds(1), TTL);

    RolloutRecord late = StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 9);
    assertThatThrownBy(() -> store.save(old, late))
        .isInstanceOfSatisfying(StaleLeaseException.class, e -> {
          assertThat(e.fleet()).isEqualTo("web");
          assertThat(e.token()).isEqualTo(old.token());
          assertThat(e.newestToken()).isEqualTo(current.token());
          assertThat(e.newestHolder()).contains("engine-b");
          assertThat(e).hasMessageContaining("engine-b").hasMessageContaining("web");
        });
    assertThatThrownBy(() -> store.save(old, StoreRecords.record("ro-other", "web",
        RolloutPhase.PROGRESSING, T0, 1))).isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.renew(old, T0.plus(TTL).plusSeconds(2), TTL))
        .isInstanceOf(StaleLeaseException.class);
    store.release(old); // not the current lease: no effect

    assertThat(store.load("ro-1")).contains(before);
    assertThat(store.load("ro-other")).isEmpty();
    assertThat(store.unfinished()).containsExactly(before);
    assertThat(store.lease("web")).contains(current);
    RolloutRecord resumed = StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 12);
    store.save(current, resumed);
    assertThat(store.load("ro-1")).contains(resumed);
  }

  @Test
  void aLeaseNeverGrantedOrOfAnotherFleetCannotWrite() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord api = StoreRecords.record("ro-api", "api", RolloutPhase.PROGRESSING, T0, 1);

    assertThatThrownBy(() -> store.save(web, api)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> store.save(new Lease("api", "engine-a", T0.plus(TTL), 1), api))
        .as("no lease of fleet api was ever granted").isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.save(new Lease("web", "engine-a", T0.plus(TTL),
        web.token() + 1), StoreRecords.record("ro-web", "web", RolloutPhase.PROGRESSING, T0, 1)))
        .as("a token the store has not issued").isInstanceOf(StaleLeaseException.class);
    assertThat(store.load("ro-api")).isEmpty();
    assertThat(store.load("ro-web")).isEmpty();
  }

  @Test
  void aReleaseFreesTheFleetAtOnceAndTheNextGrantStillGetsAHigherToken() {
    Lease first = store.acquire("web", "engine-a", T0, TTL);
    store.release(new Lease("web", "engine-b", T0.plus(TTL), first.token()));
    assertThat(store.lease("web")).as("released only by its holder").contains(first);

    store.release(first);

    assertThat(store.lease("web")).isEmpty();
    assertThatThrownBy(() -> store.save(first, StoreRecords.record("ro-1", "web",
        RolloutPhase.PROGRESSING, T0, 1))).as("a released lease writes nothing")
        .isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> store.renew(first, T0.plusSeconds(1), TTL))
        .isInstanceOf(StaleLeaseException.class);
    Lease next = openAgain(store).acquire("web", "engine-b", T0.plusSeconds(1), TTL);
    assertThat(next.token()).isGreaterThan(first.token());
    store.release(first); // released already: no effect on the new holder
    assertThat(store.lease("web")).contains(next);
  }

  @Test
  void tokensGrowWithEveryGrantOfAFleet() {
    List<Long> tokens = new ArrayList<>();
    Instant now = T0;
    for (int i = 0; i < 6; i++) {
      Lease l = store.acquire("web", "engine-" + (i % 3), now, TTL);
      tokens.add(l.token());
      if (i % 2 == 0) {
        store.release(l);
      } else {
        now = now.plus(TTL); // let it lapse
      }
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void concurrentAcquiresGrantTheLeaseExactlyOnce() throws Exception {
    int contenders = 8;
    List<RolloutStore> handles = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      handles.add(i % 2 == 0 ? store : openAgain(store));
    }
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Optional<Lease>>> results = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        RolloutStore handle = handles.get(i);
        String holder = "engine-" + i;
        results.add(pool.submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          try {
            return Optional.of(handle.acquire("web", holder, T0, TTL));
          } catch (FleetLockedException e) {
            return Optional.empty();
          }
        }));
      }
      go.countDown();
      List<Lease> granted = new ArrayList<>();
      for (Future<Optional<Lease>> f : results) {
        f.get(60, TimeUnit.SECONDS).ifPresent(granted::add);
      }
      assertThat(granted).as("exactly one contender holds the fleet").hasSize(1);
      assertThat(store.lease("web")).contains(granted.get(0));
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
