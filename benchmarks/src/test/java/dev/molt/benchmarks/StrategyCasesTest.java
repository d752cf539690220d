package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrategyCasesTest {

  @Test
  void blueGreenIsReadyThenKeptThenDrained() {
    Latencies l = Latencies.defaults(); // ready 30 s after launch, drain 5 s
    assertThat(StrategyCases.blueGreen(Duration.ofSeconds(30)).ideal().of(100, l))
        .isEqualTo(Duration.ofSeconds(65));
    assertThat(StrategyCases.blueGreen(Duration.ZERO).ideal().of(10_000, l))
        .isEqualTo(Duration.ofSeconds(35));
  }

  @Test
  void rollingResolvesPercentagesAsTheStrategyDoes() {
    // 25% of 10: surge rounds up to 3, so four waves of 35 s
    assertThat(StrategyCases.rolling("25%", "0").ideal().of(10, Latencies.defaults()))
        .isEqualTo(Duration.ofSeconds(140));
    // unavailable rounds down: 25% of 10 is 2, so five waves
    assertThat(StrategyCases.rolling("0", "25%").ideal().of(10, Latencies.defaults()))
        .isEqualTo(Duration.ofSeconds(175));
  }

  @Test
  void canaryCasesPrintTheirStepsAndAskTheCanaryOracle() {
    Latencies l = Latencies.defaults();
    StrategyCase weights = StrategyCases.canaryWeights();
    assertThat(weights.settings()).isEqualTo("router=on steps=weight10,pause60s,weight50,"
        + "pause60s,weight100 surge=25% unavailable=0");
    assertThat(weights.router()).isTrue();
    assertThat(weights.ideal().of(1000, l)).isEqualTo(Duration.ofSeconds(3 * 30 + 120 + 5));
    StrategyCase preSized = StrategyCases.canaryPreSized();
    assertThat(preSized.settings()).startsWith("router=on steps=scale25%,weight5,");
    assertThat(preSized.ideal().of(100, l)).isEqualTo(Duration.ofSeconds(30 + 120 + 90 + 5));
    StrategyCase routerless = StrategyCases.canaryWithoutRouter();
    assertThat(routerless.settings()).startsWith("router=off ");
    assertThat(routerless.router()).isFalse();
    assertThat(routerless.ideal().of(10, l)).isEqualTo(Duration.ofSeconds(290));
    assertThat(routerless.build(10).name()).isEqualTo("canary");
  }

  @Test
  void casesRunOnARoutedPlatformUnlessTheySayOtherwise() {
    assertThat(StrategyCases.rolling("25%", "0").router()).isTrue();
    assertThat(StrategyCases.blueGreen(Duration.ZERO).router()).isTrue();
  }

  @Test
  void selectingKeepsOneStrategyOrNamesTheKnownOnes() {
    assertThat(StrategyCases.select(Optional.of("blue-green")))
        .isNotEmpty().allMatch(c -> c.strategy().equals("blue-green"));
    assertThat(StrategyCases.select(Optional.empty())).extracting(StrategyCase::settings)
        .containsExactlyElementsOf(StrategyCases.defaults().stream().map(StrategyCase::settings)
            .toList());
    assertThat(StrategyCases.select(Optional.of("canary"))).hasSize(3);
    assertThatThrownBy(() -> StrategyCases.select(Optional.of("big-bang")))
        .isInstanceOf(UsageException.class).hasMessageContaining("rolling, blue-green, canary");
  }
}
