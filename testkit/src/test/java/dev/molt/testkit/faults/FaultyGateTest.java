package dev.molt.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.gate.Gate;
import dev.molt.gate.GateContext;
import dev.molt.gate.Measurement;
import dev.molt.gate.Verdict;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A faulty gate hangs and answers late as drawn, in virtual time, blocking no thread. */
class FaultyGateTest {
  private final VirtualTime time = VirtualTime.create();
  private final SimulatedPlatform sim = SimulatedPlatform.create(3);
  private final GateContext context = new GateContext(sim.fleet("web"),
      SimulatedPlatform.spec("v2").revision(), Optional.empty(), time.now());
  private final Gate passing = Gate.constant(Verdict.PASS);

  @Test
  void aHungMeasurementNeverCompletes() {
    Gate gate = FaultyGate.wrap(passing, new MetricFaults(1, 0, Latency.fixed(Duration.ZERO)),
        "t", 1);

    CompletableFuture<Measurement> m = gate.measureAsync(context, time).toCompletableFuture();
    time.advance(Duration.ofHours(1));

    assertThat(m).isNotDone();
    assertThat(time.pendingTasks()).isZero(); // nothing waits on a thread or a timer for it
  }

  @Test
  void aSlowMeasurementCompletesAfterItsDelayInVirtualTime() {
    Gate gate = FaultyGate.wrap(passing, new MetricFaults(0, 1,
        Latency.fixed(Duration.ofSeconds(45))), "t", 1);

    CompletableFuture<Measurement> m = gate.measureAsync(context, time).toCompletableFuture();
    time.advance(Duration.ofSeconds(44));
    assertThat(m).isNotDone();
    time.advance(Duration.ofSeconds(1));

    assertThat(m).isCompletedWithValueMatching(x -> x.verdict() == Verdict.PASS);
  }

  @Test
  void withoutFaultsItAnswersAtOnceWithTheWrappedGatesMeasurement() {
    Gate gate = FaultyGate.wrap(passing, MetricFaults.none(), "t", 1);

    assertThat(gate.measureAsync(context, time).toCompletableFuture())
        .isCompletedWithValueMatching(x -> x.verdict() == Verdict.PASS);
    assertThat(gate.name()).isEqualTo("faulty-constant-pass-t");
  }

  @Test
  void theSameSeedDrawsTheSameFates() {
    MetricFaults faults = new MetricFaults(0.3, 0.3, Latency.fixed(Duration.ofSeconds(5)));
    Gate a = FaultyGate.wrap(passing, faults, "t", 99);
    Gate b = FaultyGate.wrap(passing, faults, "t", 99);
    StringBuilder fatesA = new StringBuilder();
    StringBuilder fatesB = new StringBuilder();
    for (int n = 0; n < 20; n++) {
      fatesA.append(a.measureAsync(context, time).toCompletableFuture().isDone() ? 'd' : 'w');
      fatesB.append(b.measureAsync(context, time).toCompletableFuture().isDone() ? 'd' : 'w');
    }

    assertThat(fatesA.toString()).isEqualTo(fatesB.toString()).contains("d", "w");
  }
}
