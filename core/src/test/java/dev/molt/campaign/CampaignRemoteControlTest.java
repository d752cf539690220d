package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.engine.RolloutEngine;
import dev.molt.store.ControlAnswer;
import dev.molt.store.ControlRequest;
import dev.molt.store.ControlRequest.Control;
import dev.molt.store.InMemoryRolloutStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A campaign kept in a store is steered by control requests that another process writes to the
 * store: the driving process applies each within one poll, at most once, and answers it in the
 * campaign's saved snapshot; a process that resumes the campaign after a crash never applies an
 * answered request again.
 */
class CampaignRemoteControlTest {
  private static final Duration POLL = Duration.ofSeconds(5);

  private final CampaignFixture fx = new CampaignFixture();
  private final InMemoryRolloutStore store = (InMemoryRolloutStore) fx.store;

  private CampaignSpec spec() {
    fx.fleet("dev-a", 2, Map.of("tier", "dev"), false);
    fx.fleet("prod-a", 2, Map.of("tier", "prod"), false);
    CampaignSpec.Builder b = CampaignSpec.builder("patch", CampaignFixture.CHANGE);
    fx.fleets.forEach(b::fleet);
    return b.wave(Wave.matching("dev", Map.of("tier", "dev")))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withApproval()).build();
  }

  private Campaigns campaigns(RolloutEngine engine, String identity) {
    return Campaigns.builder(fx.rebuild()).engine(engine).time(fx.time).seed(5).store(store)
        .identity(identity).pollInterval(POLL).build();
  }

  /** Sends {@code request} as another process would, and waits (virtually) for its answer. */
  private ControlAnswer send(ControlRequest request) {
    store.request(request);
    fx.time.runUntil(() -> Campaigns.saved(store, request.rolloutId())
        .flatMap(c -> c.answer(request.id())).isPresent(), fx.time.now().plus(POLL));
    return Campaigns.saved(store, request.rolloutId()).flatMap(c -> c.answer(request.id()))
        .orElseThrow(() -> new AssertionError("no answer within one poll to " + request));
  }

  private void untilApproval(CampaignHandle h) {
    fx.time.runUntil(() -> h.current().stage() == Campaign.Stage.AWAITING_APPROVAL,
        fx.time.now().plus(Duration.ofHours(1)));
    assertThat(h.current().stage()).isEqualTo(Campaign.Stage.AWAITING_APPROVAL);
  }

  @Test
  void anApprovalAndAPauseFromAnotherProcessAreAppliedOnceAndAnsweredInTheSnapshot() {
    CampaignHandle h = campaigns(fx.engine, "deployer-1").start(spec());
    untilApproval(h);

    ControlAnswer promote = send(ControlRequest.of(h.id(), Control.PROMOTE, "alice",
        fx.time.now()));
    assertThat(promote.outcome()).isEqualTo(ControlAnswer.Outcome.REFUSED);
    assertThat(promote.message()).contains("PROMOTE is a rollout's control")
        .contains("pause, resume, approve and abort");
    ControlAnswer early = send(ControlRequest.of(h.id(), Control.RESUME, "alice",
        fx.time.now()));
    assertThat(early.outcome()).isEqualTo(ControlAnswer.Outcome.REFUSED);
    assertThat(early.message()).contains("resume() is valid only after pause()");
    assertThat(h.current().stage()).isEqualTo(Campaign.Stage.AWAITING_APPROVAL);

    ControlRequest pause = ControlRequest.of(h.id(), Control.PAUSE, "alice", fx.time.now());
    assertThat(send(pause).outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(h.current().paused()).isTrue();
    ControlRequest approve = ControlRequest.of(h.id(), Control.APPROVE, "bob", fx.time.now());
    ControlAnswer approved = send(approve);
    assertThat(approved.outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
    assertThat(approved.answeredBy()).startsWith("deployer-1");
    fx.time.runUntil(() -> false, fx.time.now().plus(Duration.ofMinutes(10)));
    assertThat(h.current().count(FleetStatus.PENDING)).as("paused: prod waits").isEqualTo(1);
    assertThat(send(ControlRequest.of(h.id(), Control.RESUME, "alice", fx.time.now())).outcome())
        .isEqualTo(ControlAnswer.Outcome.APPLIED);

    Campaign done = h.await();
    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.APPROVED)
        .singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo("wave prod approved"
            + " (request " + approve.id() + " by bob)"));
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.PAUSED)
        .hasSize(1);
    assertThat(done.answers()).extracting(ControlAnswer::requestId).doesNotHaveDuplicates()
        .hasSize(5);
    assertThat(Campaigns.saved(store, h.id()).orElseThrow().answers())
        .isEqualTo(done.answers());
  }

  @Test
  void anAbortFromAnotherProcessHaltsAndRollsBack() {
    CampaignHandle h = campaigns(fx.engine, "deployer-1").start(spec());
    untilApproval(h);

    ControlAnswer abort = send(ControlRequest.abort(h.id(), "CVE fix pulled by security",
        "alice", fx.time.now()));

    assertThat(abort.outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
    Campaign done = h.await();
    assertThat(done.phase()).isEqualTo(CampaignPhase.HALTED);
    assertThat(done.reason()).hasValue("aborted: CVE fix pulled by security");
    assertThat(done.fleet("dev-a").orElseThrow().status()).isEqualTo(FleetStatus.REVERTED);
    assertThat(done.fleet("prod-a").orElseThrow().status()).isEqualTo(FleetStatus.PENDING);
  }

  @Test
  void aNewCampaignNeverTakesTheIdNorTheRequestsOfAnEndedOneEvenWithTheSameSeed() {
    CampaignSpec spec = spec();
    CampaignHandle first = campaigns(fx.engine, "deployer-1").start(spec);
    untilApproval(first);
    first.approve();
    assertThat(first.await().phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    // a request that came too late for the first campaign stays in the store
    store.request(ControlRequest.abort(first.id(), "too late", "alice", fx.time.now()));

    CampaignHandle second = campaigns(fx.engine, "deployer-1").start(spec); // same seed

    assertThat(second.id()).isNotEqualTo(first.id());
    untilApproval(second);
    fx.time.runUntil(() -> false, fx.time.now().plus(POLL.multipliedBy(3)));
    assertThat(second.current().phase()).isEqualTo(CampaignPhase.RUNNING);
    second.approve();
    assertThat(second.await().phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(Campaigns.saved(store, first.id()).orElseThrow().phase())
        .as("the first campaign's record is its own").isEqualTo(CampaignPhase.SUCCEEDED);
  }

  @Test
  void aProcessThatResumesTheCampaignNeverAppliesAnAnsweredRequestAgain() {
    CampaignSpec spec = spec();
    Campaigns first = campaigns(fx.engine, "deployer-1");
    CampaignHandle h = first.start(spec);
    untilApproval(h);
    ControlRequest pause = ControlRequest.of(h.id(), Control.PAUSE, "alice", fx.time.now());
    assertThat(send(pause).outcome()).isEqualTo(ControlAnswer.Outcome.APPLIED);
    first.shutdownNow();
    fx.engine.shutdownNow();
    fx.time.advance(Duration.ofSeconds(31)); // the campaign's and the fleets' leases lapse

    RolloutEngine engine = fx.newEngine("engine-2", 11);
    engine.resumeAll();
    CampaignHandle after = campaigns(engine, "deployer-2").resume(spec);
    fx.time.runUntil(() -> false, fx.time.now().plus(POLL.multipliedBy(3)));
    assertThat(after.current().paused()).as("the pause was saved with its answer").isTrue();
    assertThat(after.current().history()).filteredOn(e -> e.type()
        == CampaignEvent.Type.PAUSED).hasSize(1);
    ControlRequest approve = ControlRequest.of(h.id(), Control.APPROVE, "bob", fx.time.now());
    ControlRequest resume = ControlRequest.of(h.id(), Control.RESUME, "bob", fx.time.now());
    store.request(approve);
    store.request(resume);

    // driven by time here: await() refuses a paused campaign in virtual time
    fx.time.runUntil(() -> after.completion().isDone(), fx.time.now().plus(Duration.ofDays(1)));
    Campaign done = after.completion().join();
    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.answer(approve.id()).map(ControlAnswer::answeredBy).orElseThrow())
        .startsWith("deployer-2");
    // sent at the same instant, approve and resume are taken in the store's order (by id)
    assertThat(done.answers()).extracting(ControlAnswer::requestId)
        .containsExactlyInAnyOrder(pause.id(), approve.id(), resume.id()).first()
        .isEqualTo(pause.id());
    assertThat(done.answer(pause.id()).map(ControlAnswer::answeredBy).orElseThrow())
        .as("answered by the process that died, never again").startsWith("deployer-1");
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.PAUSED)
        .hasSize(1);
    assertThat(List.of(done.fleet("prod-a").orElseThrow().status()))
        .containsExactly(FleetStatus.SUCCEEDED);
  }
}
