package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Revision;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.ControlRequest.Control;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.strategy.Canary;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a process that does not hold the fleet (here: the store alone, as a CLI would use it)
 * steers a running rollout; the holder picks the request up within one poll, applies it at most
 * once, and answers it in the record.
 */
class ControlsThroughTheStoreTest {
  private static final Duration POLL = Duration.ofSeconds(5);
  private static final Revision V1 = Fixtures.V1.revision();
  private static final Revision V2 = Fixtures.V2.revision();
  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time)
      .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
      .build();
  private final InMemoryRolloutStore store = new InMemoryRolloutStore();

  private RolloutEngine engine(String identity) {
    return RolloutEngine.builder(platform).time(time).seed(11).store(store).identity(identity)
        .pollInterval(POLL).build();
  }

  private ControlRequest send(String rolloutId, Control control) {
    ControlRequest r = ControlRequest.of(rolloutId, control, "cli-alice", time.now());
    store.request(r);
    store.request(r); // sent twice (a retrying CLI): stored once
    return r;
  }

  private ControlAnswer.Outcome outcome(ControlRequest r) {
    return store.load(r.rolloutId()).flatMap(rec -> rec.answer(r.id()))
        .map(ControlAnswer::outcome).orElse(null);
  }

  @Test
  void aPauseAndAResumeFromAnotherProcessArriveWithinOnePollAndAreAnswered() {
    RolloutEngine engine = engine("holder");
    engine.run(Fixtures.rollout(Fixtures.V1, 4).build());
    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V2, 4).build());
    time.advance(Duration.ofSeconds(1));

    ControlRequest pause = send(handle.id(), Control.PAUSE);
    assertThat(store.requests(handle.id())).containsExactly(pause);
    time.advance(POLL);

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(outcome(pause)).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(store.load(handle.id()).orElseThrow().answer(pause.id()).orElseThrow()
        .answeredBy()).isEqualTo("holder");

    ControlRequest resume = send(handle.id(), Control.RESUME);
    time.advance(POLL);
    assertThat(outcome(resume)).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(store.load(handle.id()).orElseThrow().answers()).extracting(
        ControlAnswer::requestId).containsExactly(pause.id(), resume.id());
  }

  @Test
  void aStoreThatNotifiesDeliversARequestAtOnceInsteadOfAtTheNextPoll() {
    // a poll interval far longer than the test: only the store's notification can bring it
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(11).store(store)
        .identity("holder").pollInterval(Duration.ofMinutes(10)).build();
    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V1, 4).build());
    time.advance(Duration.ofSeconds(1));

    ControlRequest pause = send(handle.id(), Control.PAUSE);
    time.advance(Duration.ofMillis(1));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(outcome(pause)).isEqualTo(ControlAnswer.Outcome.APPLIED);
    engine.shutdownNow();
    ControlRequest late = send(handle.id(), Control.RESUME); // a stopped engine hears nothing
    time.advance(Duration.ofSeconds(1));
    assertThat(outcome(late)).isNull();
  }

  @Test
  void aControlNotValidNowIsRefusedWithTheReasonAndChangesNothing() {
    RolloutEngine engine = engine("holder");
    engine.run(Fixtures.rollout(Fixtures.V1, 4).build());
    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V2, 4).build());
    time.advance(Duration.ofSeconds(1));

    ControlRequest promote = send(handle.id(), Control.PROMOTE);
    time.advance(POLL);

    ControlAnswer answer = store.load(handle.id()).orElseThrow().answer(promote.id())
        .orElseThrow();
    assertThat(answer.outcome()).isEqualTo(ControlAnswer.Outcome.REFUSED);
    assertThat(answer.message()).contains("rolling update has no steps to skip");
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void aPromoteIsAppliedOnceAcrossPollsAndAcrossACrashAndResume() {
    RolloutEngine first = engine("first");
    first.run(Fixtures.rollout(Fixtures.V1, 4).build());
    RolloutHandle handle = first.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), pauseUntilResumed(), setWeight(50),
            pauseUntilResumed(), setWeight(100))).build());
    time.runUntil(() -> handle.current().phase() == RolloutPhase.PAUSED,
        time.now().plus(Duration.ofHours(1)));
    assertThat(CanaryTest.weights(platform)).containsExactly(Map.of(V1, 75, V2, 25));

    ControlRequest promote = send(handle.id(), Control.PROMOTE);
    time.advance(POLL.multipliedBy(10)); // ten polls: applied once, so held at the second pause

    assertThat(outcome(promote)).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(CanaryTest.weights(platform)).containsExactly(Map.of(V1, 75, V2, 25),
        Map.of(V1, 50, V2, 50));

    first.shutdownNow();
    time.advance(Duration.ofSeconds(31)); // the lease lapses
    List<RolloutHandle> resumed = engine("second").resumeAll();
    assertThat(resumed).hasSize(1);
    time.advance(POLL.multipliedBy(10));

    assertThat(resumed.get(0).current().phase()).as("the resumed engine did not promote again")
        .isEqualTo(RolloutPhase.PAUSED);
    assertThat(CanaryTest.weights(platform)).as("weights").containsExactly(Map.of(V1, 75, V2, 25),
        Map.of(V1, 50, V2, 50));
    ControlRequest next = send(handle.id(), Control.PROMOTE);
    time.advance(POLL);
    assertThat(outcome(next)).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(resumed.get(0).await().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(store.load(handle.id()).orElseThrow().answer(promote.id()).orElseThrow()
        .answeredBy()).isEqualTo("first");
  }
}
