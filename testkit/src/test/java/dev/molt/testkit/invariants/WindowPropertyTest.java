package dev.molt.testkit.invariants;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.WindowEnd;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.testkit.SimulatedPlatform;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Over seeded random deployment windows (zones, days, starts, lengths, freezes), window ends,
 * capacities and strategies (rolling, blue-green, canary), a rollout never launches, drains,
 * changes weights or terminates outside its windows unless its window end allows it (the
 * checker's window rule, at every platform call), keeps every other invariant, and succeeds.
 */
class WindowPropertyTest {
  private static final int SEEDS = 30;
  private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("UTC"),
      ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"));

  @Test
  void noChangeOutsideAWindowOverRandomWindowsCapacitiesAndStrategies() {
    int heldBeforeStart = 0;
    int pausedAtAnEnd = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      Rollout done = check(seed);
      List<RolloutEvent> windows = done.events(RolloutEvent.Type.WINDOW);
      heldBeforeStart += windows.isEmpty() ? 0 : 1;
      pausedAtAnEnd += windows.stream().anyMatch(e -> e.message().contains("paused between"))
          ? 1 : 0;
    }
    assertThat(heldBeforeStart).as("rollouts that waited for a window").isGreaterThan(SEEDS / 2);
    assertThat(pausedAtAnEnd).as("rollouts paused at a window's end").isPositive();
  }

  private static Rollout check(long seed) {
    Random random = new Random(seed);
    SimulatedPlatform sim = SimulatedPlatform.create(seed, random.nextBoolean());
    int capacity = 1 + random.nextInt(12);
    sim.deploy("web", SimulatedPlatform.spec("v1"), capacity);
    // the new revision launches in 20 s to 3 min: rollouts of a few minutes to most of an hour
    sim.provider().script(SimulatedPlatform.spec("v2").revision(), InstanceBehavior.healthy(
        Duration.ofSeconds(20 + random.nextInt(160)), Duration.ofSeconds(10)));
    DeploymentWindows windows = windows(random, sim.time().now());
    RolloutSpec spec = RolloutSpec.builder("web").capacity(capacity)
        .target(SimulatedPlatform.spec("v2")).strategy(strategy(random))
        .windows(windows).atWindowEnd(random.nextBoolean() ? WindowEnd.PAUSE : WindowEnd.FINISH)
        .build();
    InvariantChecker checker = InvariantChecker.of(sim.provider(), spec);
    RolloutEngine engine = RolloutEngine.builder(checker.wrap(sim.provider())).time(sim.time())
        .seed(seed).pollInterval(Duration.ofSeconds(5)).listener(checker).build();
    engine.remember(SimulatedPlatform.spec("v1"));

    Rollout done = engine.run(spec);

    String context = "seed " + seed + ": " + spec.strategy().name() + " capacity " + capacity
        + " " + spec.atWindowEnd() + " " + windows + "\n" + done.history().stream()
            .map(RolloutEvent::toString).reduce("", (a, b) -> a + b + "\n");
    assertThat(checker.violations()).as(context).isEmpty();
    assertThat(done.phase()).as(context).isEqualTo(RolloutPhase.SUCCEEDED);
    return done;
  }

  /** One to three weekly windows of 2 to 42 min, and sometimes a freeze within a few days. */
  private static DeploymentWindows windows(Random random, Instant now) {
    List<DeploymentWindows.Weekly> weekly = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      weekly.add(new DeploymentWindows.Weekly(DayOfWeek.of(1 + random.nextInt(7)),
          LocalTime.of(random.nextInt(24), 15 * random.nextInt(4)),
          Duration.ofMinutes(2 + random.nextInt(40))));
    }
    List<DeploymentWindows.Freeze> freezes = new ArrayList<>();
    if (random.nextInt(10) < 4) {
      Instant from = now.plus(Duration.ofMinutes(random.nextInt(5 * 24 * 60)));
      freezes.add(new DeploymentWindows.Freeze(from,
          from.plus(Duration.ofMinutes(60 + random.nextInt(3 * 24 * 60))), "freeze " + count));
    }
    return new DeploymentWindows(ZONES.get(random.nextInt(ZONES.size())), weekly, freezes);
  }

  private static Strategy strategy(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> RollingUpdate.of(Amount.of(1 + random.nextInt(2)), Amount.of(0));
      case 1 -> BlueGreen.defaults();
      default -> Canary.of(setWeight(20), pause(Duration.ofMinutes(5 + random.nextInt(20))),
          setWeight(50), pause(Duration.ofMinutes(5)), setWeight(100));
    };
  }
}
