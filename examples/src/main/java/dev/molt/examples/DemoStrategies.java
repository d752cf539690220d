package dev.molt.examples;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;

import dev.molt.gate.Analysis;
import dev.molt.gate.HealthyShare;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The strategies the demo offers by name, each with a one-line description. */
final class DemoStrategies {
  static final List<String> NAMES = List.of("rolling", "blue-green", "canary");

  private DemoStrategies() {}

  /** @return the strategy called {@code name} */
  static Strategy forName(String name) {
    Analysis allHealthy = Analysis.of(new HealthyShare(1.0)).times(3, Duration.ofMinutes(1));
    return switch (name) {
      case "blue-green" -> BlueGreen.defaults()
          .withAnalyses(Optional.of(allHealthy), Optional.empty())
          .withScaleDownDelay(Duration.ofMinutes(5));
      case "canary" -> Canary.of(setWeight(10), pause(Duration.ofMinutes(10)),
          analyze(allHealthy), setWeight(50), pause(Duration.ofMinutes(10)), setWeight(100));
      default -> RollingUpdate.of(Amount.percent(25), Amount.of(0))
          .withMinReadyTime(Duration.ofSeconds(30));
    };
  }

  /**
   * The strategy called {@code name} in real time, for the Docker demo: seconds where the
   * simulated one has minutes, and no analysis (the healthy-share gate needs minutes of samples).
   */
  static Strategy forDocker(String name) {
    return switch (name) {
      case "blue-green" -> BlueGreen.defaults().withAutoPromotionAfter(Duration.ofSeconds(3))
          .withScaleDownDelay(Duration.ofSeconds(3));
      case "canary" -> Canary.of(setWeight(20), pause(Duration.ofSeconds(4)), setWeight(50),
          pause(Duration.ofSeconds(4)));
      default -> RollingUpdate.of(Amount.of(1), Amount.of(0));
    };
  }

  /** @return how the Docker demo describes the strategy called {@code name} */
  static String describeForDocker(String name) {
    return switch (name) {
      case "blue-green" -> "blue-green: green beside blue at 0%, promoted after 3s in one switch,"
          + " blue kept 3s";
      case "canary" -> "canary: 20%, pause 4s, 50%, pause 4s, then 100% in one switch";
      default -> "maxSurge=1 maxUnavailable=0";
    };
  }

  /** @return how the demo describes the strategy called {@code name} */
  static String describe(String name) {
    return switch (name) {
      case "blue-green" -> "blue-green: green beside blue, healthy-share gate x3, one switch,"
          + " blue kept 5m";
      case "canary" -> "canary: 10%, pause 10m, analyze healthy-share x3, 50%, pause 10m, 100%";
      default -> "maxSurge=25% maxUnavailable=0 minReady=30s";
    };
  }
}
