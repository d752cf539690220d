package dev.molt.timeline;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;

import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.Measurement;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.RolloutRecord;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real rollouts for the timeline's tests, run by the engine on the simulated platform in virtual
 * time, seeded, so each gives the same history every time: a fleet of 10 on v1 rolled to v2.
 */
final class SampleRollouts {
  static final String FLEET = "web";
  static final int CAPACITY = 10;
  static final long SEED = 15;

  /** The rollout a sample ran, and the record the store kept of it. */
  record Run(Rollout rollout, RolloutRecord record) {}

  private SampleRollouts() {}

  /** Canary 10%, pause 10m, healthy-share x3, 50%, pause 10m, 100%: succeeds. */
  static Run canarySucceeds() {
    Analysis healthy = Analysis.of(new HealthyShare(1.0)).times(3, Duration.ofMinutes(1));
    return run(Canary.of(setWeight(10), pause(Duration.ofMinutes(10)), analyze(healthy),
        setWeight(50), pause(Duration.ofMinutes(10)), setWeight(100)));
  }

  /**
   * Canary 10%, pause 5m, an error-rate analysis x3 a minute apart whose third measurement fails
   * (0.4%, 0.6%, then 3.1% against a 1% limit), 50%, ...: rolls back to v1.
   */
  static Run canaryFailedAnalysis() {
    AtomicInteger measured = new AtomicInteger();
    List<String> rates = List.of("0.4", "0.6", "3.1");
    Gate errorRate = Gate.of("error-rate", ctx -> {
      String rate = rates.get(Math.min(measured.getAndIncrement(), rates.size() - 1));
      return Double.parseDouble(rate) <= 1.0
          ? Measurement.pass("error_rate=" + rate + "% max=1.0%")
          : Measurement.fail("error_rate=" + rate + "% above max=1.0%");
    });
    Analysis analysis = Analysis.of(errorRate).times(3, Duration.ofMinutes(1));
    return run(Canary.of(setWeight(10), pause(Duration.ofMinutes(5)), analyze(analysis),
        setWeight(50), pause(Duration.ofMinutes(10)), setWeight(100)));
  }

  /** Rolling update, maxSurge 25%, maxUnavailable 0, minReady 30s: succeeds. */
  static Run rolling() {
    return run(RollingUpdate.of(Amount.percent(25), Amount.of(0))
        .withMinReadyTime(Duration.ofSeconds(30)));
  }

  /** Blue-green with a healthy-share x3 analysis before the switch, blue kept 5m: succeeds. */
  static Run blueGreen() {
    Analysis healthy = Analysis.of(new HealthyShare(1.0)).times(3, Duration.ofMinutes(1));
    return run(BlueGreen.defaults().withAnalyses(Optional.of(healthy), Optional.empty())
        .withScaleDownDelay(Duration.ofMinutes(5)));
  }

  private static Run run(Strategy strategy) {
    SimulatedPlatform sim = SimulatedPlatform.create(SEED);
    sim.deploy(FLEET, SimulatedPlatform.spec("v1"), CAPACITY);
    Rollout done = sim.engine().run(RolloutSpec.builder(FLEET).capacity(CAPACITY)
        .target(SimulatedPlatform.spec("v2")).strategy(strategy).build());
    RolloutRecord record = sim.store().load(done.id()).orElseThrow(() -> new AssertionError(
        "the store kept no record of " + done.id()));
    return new Run(done, record);
  }
}
