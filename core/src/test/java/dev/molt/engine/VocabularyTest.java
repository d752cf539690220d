package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.pauseUntilResumed;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Durations;
import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One vocabulary, seen from outside: typed waits, step numbers, progress, durations, summaries. */
class VocabularyTest {

  @Test
  void everyWaitOfACanaryIsTypedAndEndsWhenItDoes() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(
        setWeight(25), pause(Duration.ofMinutes(10)), pauseUntilResumed(), setWeight(100)))
        .build());

    f.time.runUntil(() -> h.current().waiting().isPresent(), f.time.now().plusSeconds(3600));
    Wait timed = h.current().waiting().orElseThrow();
    assertThat(timed.reason()).isEqualTo(Wait.Reason.TIMED_PAUSE);
    assertThat(timed.detail()).isEqualTo("canary step 1: pause 10m00s");
    assertThat(timed.until()).isPresent();
    assertThat(h.current().phase()).isEqualTo(RolloutPhase.PROGRESSING);
    assertThat(h.current().summary()).contains("PROGRESSING step 1/5", "TIMED_PAUSE",
        "left)");

    f.time.runUntil(() -> h.current().phase() == RolloutPhase.PAUSED,
        f.time.now().plusSeconds(3600));
    assertThat(h.current().waiting()).map(Wait::reason).contains(Wait.Reason.UNTIMED_PAUSE);
    assertThat(h.current().waiting().orElseThrow().reason().needsPerson()).isTrue();
    assertThat(h.toString()).startsWith("RolloutHandle[" + h.id() + " web canary ")
        .contains("PAUSED step 2/5");

    h.resume();
    f.time.runUntil(() -> h.current().step() == 3, f.time.now().plusSeconds(3600));
    h.pause();
    assertThat(h.current().waiting()).map(Wait::reason).contains(Wait.Reason.PAUSED_BY_PERSON);
    h.resume();
    Rollout done = h.awaitSuccess();

    assertThat(done.waiting()).isEmpty();
    assertThat(done.step()).isEqualTo(done.totalSteps()).isEqualTo(5);
    List<RolloutEvent> progress = done.events(RolloutEvent.Type.PROGRESS);
    assertThat(progress.get(progress.size() - 1).message()).startsWith("step=5/5 ");
    assertThat(done.events(RolloutEvent.Type.STEP)).extracting(RolloutEvent::message)
        .contains("step=0 done=set-weight-25% next=1", "step=1 done=pause-over next=2",
            "step=2 done=released next=3");
    assertThat(done.history()).extracting(RolloutEvent::message)
        .noneMatch(m -> m.matches(".*\\bPT[0-9].*"));
  }

  @Test
  void onlyTheEndEventCarriesAnEndedSnapshot() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    Fixtures f = new Fixtures((rollout, event) -> seen.add(event.type() + ":"
        + rollout.isDone()));
    f.deployV1(3);
    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(seen).filteredOn(s -> s.endsWith(":true"))
        .containsExactly("SUCCEEDED:true", "SUCCEEDED:true"); // the deploy's end, then this one's
    assertThat(done.history().subList(0, done.history().size() - 1))
        .allMatch(e -> !e.phase().isTerminal());
  }

  @Test
  void progressKeepsItsMeaningThroughARollback() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle h = f.engine.start(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(
        setWeight(25), pauseUntilResumed(), setWeight(100))).build());
    f.time.runUntil(() -> h.current().phase() == RolloutPhase.PAUSED,
        f.time.now().plusSeconds(3600));
    int step = h.current().step();
    int total = h.current().totalSteps();

    h.abort("changed my mind");
    Rollout done = h.await();

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.step()).isEqualTo(step);
    assertThat(done.totalSteps()).isEqualTo(total);
    assertThat(done.events(RolloutEvent.Type.PROGRESS)).allMatch(e -> e.message()
        .startsWith("step=") && e.message().endsWith("/" + total + " revision="
        + Fixtures.V2.revision()));
  }

  @Test
  void aPlanAndARolloutReadTheSame() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutPlan plan = f.engine.plan(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(
        setWeight(25), pause(Duration.ofMinutes(10)), setWeight(100))).build());

    String text = plan.toText();
    assertThat(text).startsWith("plan: canary of fleet web (traffic router: exact weights)\n")
        .contains("pause 10m00s").contains("expected duration ").doesNotContain("PT");
    assertThat(plan.toString()).isEqualTo(text);
    assertThat(text.lines().filter(l -> l.matches("  [0-9]+ .*"))).hasSize(plan.steps().size());
  }

  static Stream<Arguments> durations() {
    return Stream.of(Arguments.of(Duration.ZERO, "0s"), Arguments.of(Duration.ofMillis(250),
        "250ms"), Arguments.of(Duration.ofSeconds(45), "45s"), Arguments.of(Duration.ofMillis(2500),
        "2.5s"), Arguments.of(Duration.ofMinutes(10), "10m00s"), Arguments.of(
        Duration.ofSeconds(3723), "1h02m03s"), Arguments.of(Duration.ofDays(90), "90d00h00m"),
        Arguments.of(Duration.ofSeconds(-5), "-5s"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("durations")
  void oneDurationFormat(Duration d, String text) {
    assertThat(Durations.text(d)).isEqualTo(text);
  }

  @Test
  void aWaitSaysWhatItIs() {
    Wait w = new Wait(Wait.Reason.AWAITING_PROMOTION, "green is ready", Optional.empty());
    assertThat(w).hasToString("AWAITING_PROMOTION: green is ready");
    assertThat(Wait.Reason.TIMED_PAUSE.needsPerson()).isFalse();
  }
}
