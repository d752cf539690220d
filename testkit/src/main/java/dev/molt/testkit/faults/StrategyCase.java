package dev.molt.testkit.faults;

import dev.molt.gate.Analysis;
import dev.molt.gate.HealthyShare;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.CanaryStep;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A strategy the {@link FaultCampaign} exercises, with how to draw a random configuration of it.
 * {@link #ALL} lists them; a new strategy joins the campaign by adding one entry there (and its
 * capacity limits to {@link dev.molt.testkit.invariants.Limits#of}). Draws never hold for a
 * human (no manual promotion, no pause until resumed, inconclusive analyses fail), so every
 * schedule can end on its own; analyses measure through a {@link FaultyGate} whose metric source
 * may hang or answer late.
 */
public interface StrategyCase {

  /** Rolling updates: random surge and unavailability (counts or percentages), timings, budget. */
  StrategyCase ROLLING = of("rolling", (random, capacity, metrics) -> rolling(random, capacity));

  /**
   * Blue-green: random preview size, promotion delay, pre- and post-promotion analyses of the
   * green fleet's healthy share, scale-down delay and healthy deadline.
   */
  StrategyCase BLUE_GREEN = of("blue-green", (random, capacity, metrics) -> new BlueGreen(
      random.nextBoolean() ? Optional.empty()
          : Optional.of(Amount.of(1 + random.nextInt(capacity))),
      false, Duration.ofSeconds(random.nextInt(4) * 20L), analysis(random, metrics, "pre"),
      analysis(random, metrics, "post"), Duration.ofSeconds(random.nextInt(5) * 30L),
      Duration.ofSeconds(90 + random.nextInt(240))));

  /**
   * Canary: one to five steps of rising weights, timed pauses, analyses of the canary's healthy
   * share and scale changes, with random rolling limits for its promotion.
   */
  StrategyCase CANARY = of("canary", (random, capacity, metrics) -> {
    List<CanaryStep> steps = new ArrayList<>();
    int weight = 0;
    for (int n = 1 + random.nextInt(5); n > 0; n--) {
      switch (random.nextInt(4)) {
        case 0 -> steps.add(CanaryStep.pause(Duration.ofSeconds(10 + random.nextInt(300))));
        case 1 -> {
          // where the steps allow one, half the analyses compare against a fresh baseline
          boolean sized = steps.stream().anyMatch(st -> st instanceof CanaryStep.SetWeight
              || st instanceof CanaryStep.SetScale);
          boolean fresh = sized && weight <= 50 && random.nextBoolean();
          analysis(random, metrics, "s" + steps.size()).ifPresent(a -> steps.add(fresh
              ? CanaryStep.analyzeWithFreshBaseline(a) : CanaryStep.analyze(a)));
        }
        case 2 -> steps.add(CanaryStep.setScale(Amount.percent(random.nextInt(101))));
        default -> {
          weight = Math.min(100, weight + 1 + random.nextInt(60));
          steps.add(CanaryStep.setWeight(weight));
        }
      }
    }
    if (steps.isEmpty()) {
      steps.add(CanaryStep.setWeight(1 + weight)); // a canary has at least one step
    }
    return new Canary(steps, rolling(random, capacity));
  });

  /** The strategies every campaign exercises, drawn uniformly. */
  List<StrategyCase> ALL = List.of(ROLLING, BLUE_GREEN, CANARY);

  /** @return the strategy's name, as printed with violations */
  String name();

  /**
   * Draws a random, valid configuration whose metric sources always answer at once.
   *
   * @param random the schedule's seeded source
   * @param capacity the fleet's capacity
   * @return the strategy
   */
  default Strategy draw(Random random, int capacity) {
    return draw(random, capacity, MetricFaults.none());
  }

  /**
   * Draws a random, valid configuration whose analyses measure through a {@link FaultyGate}.
   *
   * @param random the schedule's seeded source
   * @param capacity the fleet's capacity
   * @param metrics how the analyses' metric sources misbehave
   * @return the strategy
   */
  Strategy draw(Random random, int capacity, MetricFaults metrics);

  /** Draws a strategy configuration: what {@link #of} turns into a case. */
  @FunctionalInterface
  interface Drawer {
    /**
     * @param random the schedule's seeded source
     * @param capacity the fleet's capacity
     * @param metrics how the analyses' metric sources misbehave
     * @return a random, valid strategy
     */
    Strategy draw(Random random, int capacity, MetricFaults metrics);
  }

  /**
   * A strategy case from a name and a draw.
   *
   * @param name the strategy's name
   * @param draw draws a random, valid configuration for a capacity
   * @return the case
   */
  static StrategyCase of(String name, Drawer draw) {
    return new StrategyCase() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Strategy draw(Random random, int capacity, MetricFaults metrics) {
        return draw.draw(random, capacity, metrics);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static RollingUpdate rolling(Random random, int capacity) {
    Amount surge = random.nextBoolean() ? Amount.of(random.nextInt(4))
        : Amount.percent(random.nextInt(101));
    Amount unavailable = random.nextBoolean()
        ? Amount.of(capacity > 0 ? Math.min(random.nextInt(3), capacity) : random.nextInt(3))
        : Amount.percent(random.nextInt(51));
    if (surge.roundUp(capacity) == 0 && unavailable.roundDown(capacity) == 0) {
      surge = Amount.of(1); // both limits 0 could replace nothing: the spec would be refused
    }
    return RollingUpdate.of(surge, unavailable)
        .withMinReadyTime(Duration.ofSeconds(random.nextInt(4) * 10L))
        .withHealthyDeadline(Duration.ofSeconds(90 + random.nextInt(240)))
        .withMaxReplacements(random.nextInt(5));
  }

  /**
   * Half the time none; else the share of healthy instances, measured 1-3 times through a {@link
   * FaultyGate} (tagged {@code tag}), never holding.
   */
  private static Optional<Analysis> analysis(Random random, MetricFaults metrics, String tag) {
    if (random.nextBoolean()) {
      return Optional.empty();
    }
    int count = 1 + random.nextInt(3);
    HealthyShare share = new HealthyShare(0.5 + random.nextInt(6) / 10.0);
    return Optional.of(Analysis.of(FaultyGate.wrap(share, metrics, tag, random.nextLong()))
        .times(count, Duration.ofSeconds(10 + random.nextInt(50)))
        .withFailureLimits(random.nextInt(count), 0)
        .withOnInconclusive(Analysis.OnInconclusive.FAIL));
  }
}
