package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A person's controls land in every phase, pauses always end, and an undo's run is followed. */
class PersonTest {
  private final SimulatedPlatform sim = SimulatedPlatform.create(5);
  private final RolloutSpec spec = RolloutSpec.builder("web").capacity(3)
      .target(SimulatedPlatform.spec("v2")).build();

  private Person run(List<Control> controls) {
    sim.deploy("web", SimulatedPlatform.spec("v1"), 3);
    Person person = new Person(sim.time(), controls, Duration.ofMinutes(2));
    RolloutEngine engine = sim.engineBuilder().identity("person").listener(person).build();
    person.attach(engine.start(spec));
    sim.time().runUntil(() -> person.current().completion().isDone() && !person.busy(),
        sim.time().now().plus(Duration.ofHours(2)));
    return person;
  }

  @Test
  void aPauseBeforeTheFirstTickIsResumedLaterAndTheRolloutEnds() {
    Person person = run(List.of(new Control(Control.Kind.PAUSE, Control.When.AT_START, 0,
        Duration.ZERO)));

    assertThat(person.answers()).first().asString().isEqualTo("pause@start: ok");
    assertThat(person.answers()).anySatisfy(a -> assertThat(a).startsWith("release: ok"));
    assertThat(person.current().current().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(person.unexpected()).isEmpty();
  }

  @Test
  void aControlWithNoMeaningInThePhaseIsAnExpectedRefusal() {
    Person person = run(List.of(new Control(Control.Kind.RESUME, Control.When.AT_START, 0,
        Duration.ZERO)));

    assertThat(person.answers()).first().asString().startsWith("resume@start: refused");
    assertThat(person.unexpected()).isEmpty();
    assertThat(person.current().current().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void anUndoAfterSuccessStartsANewRunThePersonFollowsToItsEnd() {
    Person person = run(List.of(new Control(Control.Kind.UNDO, Control.When.AT_TIME, 0,
        Duration.ofHours(1))));

    assertThat(person.answers()).containsExactly("undo@PT1H: ok");
    assertThat(person.current().current().to()).isEqualTo(SimulatedPlatform.spec("v1")
        .revision());
    assertThat(person.current().current().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
  }

  @Test
  void anAbortAfterTheThirdEventRollsBack() {
    Person person = run(List.of(new Control(Control.Kind.ABORT, Control.When.AFTER_EVENT, 3,
        Duration.ZERO)));

    assertThat(person.answers()).containsExactly("abort@event3: ok");
    assertThat(person.current().current().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
  }
}
