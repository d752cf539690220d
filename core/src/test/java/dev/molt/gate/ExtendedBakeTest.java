package dev.molt.gate;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutHandle;
import dev.molt.strategy.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.Test;

/**
 * A canary whose metric gains evidence as it bakes: below the floor the analysis measures again,
 * up to its bound, in the engine's virtual time, instead of stopping at INSUFFICIENT_DATA.
 */
class ExtendedBakeTest {
  private static final List<Double> VALUES = MetricComparisonTest.logNormal(new Random(7), 100);

  /** Ten more samples a side at every measurement (every distinct query time). */
  private static MetricSource growing() {
    Set<Instant> times = new ConcurrentSkipListSet<>();
    return q -> {
      times.add(q.to());
      return VALUES.subList(0, Math.min(VALUES.size(), 10 * times.size()));
    };
  }

  private static Analysis analysis(int maxExtra) {
    MetricComparison latency = MetricComparison.builder(growing(),
        "latency{revision=\"{revision}\"}").metric("latency").minSamples(30).build();
    return Analysis.of(latency).times(1, Duration.ofMinutes(1)).extendOnInsufficient(maxExtra);
  }

  @Test
  void theBakeExtendsUntilTheFloorIsMetAndThenPasses() {
    Fixtures f = new Fixtures();
    f.deployV1(4);

    Rollout done = f.engine.run(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), analyze(analysis(5)), setWeight(100))).build());

    assertThat(done.phase()).as(done.toString()).isEqualTo(RolloutPhase.SUCCEEDED);
    RolloutEvent analyzed = done.events(RolloutEvent.Type.ANALYZED).get(0);
    assertThat(analyzed.message()).contains("verdict=PASS measurements=3");
    Instant started = done.history().stream().filter(e -> e.message().contains("action=analyze"))
        .findFirst().orElseThrow().at();
    assertThat(Duration.between(started, analyzed.at())).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void pastItsBoundTheAnalysisIsInsufficientDataNamingTheShortfall() {
    Fixtures f = new Fixtures();
    f.deployV1(4);
    RolloutHandle handle = f.engine.start(Fixtures.rollout(Fixtures.V2, 4)
        .strategy(Canary.of(setWeight(25), analyze(analysis(1)), setWeight(100))).build());

    f.time.advance(Duration.ofHours(1));

    assertThat(handle.current().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(handle.current().reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("verdict=INSUFFICIENT_DATA measurements=2")
        .contains("latency: too little evidence: canary has 20 of 30 samples, baseline has 20"
            + " of 30 samples"));
    handle.abort("test over");
    assertThat(handle.await().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
  }
}
