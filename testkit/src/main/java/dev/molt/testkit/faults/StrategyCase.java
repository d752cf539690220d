package dev.molt.testkit.faults;

import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A strategy the {@link FaultCampaign} exercises, with how to draw a random configuration of it.
 * {@link #ALL} lists them; a new strategy joins the campaign by adding one entry there (and its
 * capacity limits to {@link dev.molt.testkit.invariants.Limits#of}).
 */
public interface StrategyCase {

  /** Rolling updates: random surge and unavailability (counts or percentages), timings, budget. */
  StrategyCase ROLLING = new StrategyCase() {
    @Override
    public String name() {
      return "rolling";
    }

    @Override
    public Strategy draw(Random random, int capacity) {
      Amount surge = random.nextBoolean() ? Amount.of(random.nextInt(4))
          : Amount.percent(random.nextInt(101));
      Amount unavailable = random.nextBoolean() ? Amount.of(random.nextInt(3))
          : Amount.percent(random.nextInt(51));
      if (surge.roundUp(capacity) == 0 && unavailable.roundDown(capacity) == 0) {
        surge = Amount.of(1); // both limits 0 could replace nothing: the spec would be refused
      }
      return RollingUpdate.of(surge, unavailable)
          .withMinReadyTime(Duration.ofSeconds(random.nextInt(4) * 10L))
          .withHealthyDeadline(Duration.ofSeconds(90 + random.nextInt(240)))
          .withMaxReplacements(random.nextInt(5));
    }
  };

  /** The strategies every campaign exercises, drawn uniformly. */
  List<StrategyCase> ALL = List.of(ROLLING);

  /** @return the strategy's name, as printed with violations */
  String name();

  /**
   * Draws a random, valid configuration.
   *
   * @param random the schedule's seeded source
   * @param capacity the fleet's capacity
   * @return the strategy
   */
  Strategy draw(Random random, int capacity);
}
