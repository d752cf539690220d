package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.Measurement;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the timeline picture reads from a history (issue 15): an {@code OBSERVED} event at each
 * change of the instances per revision and state, and a {@code MEASURED} event per gate
 * measurement, at the moment it was made.
 */
class TimelineEventsTest {

  @Test
  void everyMeasurementIsRecordedWithItsNumberVerdictAndDetailBeforeTheVerdict() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    AtomicInteger n = new AtomicInteger();
    Gate latency = Gate.of("latency", ctx -> n.incrementAndGet() < 3
        ? Measurement.pass("p99=120ms max=250ms") : Measurement.fail("p99=\"900ms\" max=250ms"));

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(
        setWeight(25), analyze(Analysis.of(latency).times(3, Duration.ofMinutes(1))),
        setWeight(100))).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    List<RolloutEvent> measured = done.events(Type.MEASURED);
    assertThat(measured).extracting(RolloutEvent::message).containsExactly(
        "step=1 gate=latency measurement=1 verdict=PASS detail=\"p99=120ms max=250ms\"",
        "step=1 gate=latency measurement=2 verdict=PASS detail=\"p99=120ms max=250ms\"",
        "step=1 gate=latency measurement=3 verdict=FAIL detail=\"p99='900ms' max=250ms\"");
    assertThat(Duration.between(measured.get(0).at(), measured.get(2).at()))
        .isEqualTo(Duration.ofMinutes(2));
    RolloutEvent analyzed = done.events(Type.ANALYZED).get(0);
    assertThat(done.history().indexOf(analyzed))
        .isGreaterThan(done.history().indexOf(measured.get(2)));
    assertThat(analyzed.at()).isEqualTo(measured.get(2).at());
  }

  @Test
  void theInstancesPerRevisionAndStateAreRecordedAtEachChangeOnly() {
    Fixtures f = new Fixtures();
    f.deployV1(3);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 3).build());

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    List<String> observed = done.events(Type.OBSERVED).stream().map(RolloutEvent::message)
        .toList();
    String v1 = Fixtures.V1.revision().id();
    String v2 = Fixtures.V2.revision().id();
    assertThat(observed).first().isEqualTo("instances: " + v1 + "=HEALTHY:3");
    assertThat(observed).last().isEqualTo("instances: " + v2 + "=HEALTHY:3");
    assertThat(observed).anyMatch(m -> m.contains(v2 + "=LAUNCHING:"))
        .anyMatch(m -> m.contains(v1 + "=") && m.contains("DRAINING:"));
    for (int i = 1; i < observed.size(); i++) {
      assertThat(observed.get(i)).as("OBSERVED event %d repeats the one before", i)
          .isNotEqualTo(observed.get(i - 1));
    }
    assertThat(done.history().get(done.history().size() - 1).type()).isEqualTo(Type.SUCCEEDED);
  }
}
