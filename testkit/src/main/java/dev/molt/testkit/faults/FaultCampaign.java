package dev.molt.testkit.faults;

import dev.molt.OwnerLabels;
import dev.molt.RolloutPhase;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.invariants.InvariantChecker;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs random fault schedules against the engine and checks every invariant of {@link
 * InvariantChecker} on each: v1 is deployed, faults are installed, a rollout to v2 runs (for a third
 * of the schedules the engine crashes after a random event and a fresh engine resumes from the
 * store once the lease lapsed), and the end state is checked. Every schedule derives from its own
 * seed, printed with each violation, so {@link #runOne(long)} replays it.
 *
 * <pre>{@code
 * int violations = FaultCampaign.run(10_000, 42, System.out); // last line: schedules: 10000 violations: 0
 * }</pre>
 */
public final class FaultCampaign {
  private static final Duration LEASE_TTL = Duration.ofSeconds(30);
  private static final Duration RUN_LIMIT = Duration.ofHours(12);

  private FaultCampaign() {}

  /**
   * The outcome of one schedule.
   *
   * @param schedule what ran
   * @param phase how the rollout ended; empty if it did not
   * @param crashed whether the engine was crashed and resumed
   * @param violations every invariant breach, empty if none
   */
  public record Outcome(Schedule schedule, Optional<RolloutPhase> phase, boolean crashed,
      List<String> violations) {}

  /**
   * What a campaign found.
   *
   * @param schedules how many schedules ran
   * @param violations how many invariant breaches they had in all
   */
  public record Summary(int schedules, int violations) {
    /** @return {@code schedules: <K> violations: <V>} */
    public String verdict() {
      return "schedules: " + schedules + " violations: " + violations;
    }
  }

  /**
   * Runs {@code schedules} schedules drawn from {@code seed}. Gives {@code lines} one line per
   * violation, {@code violation seed=<s> <schedule>: <what>}, then one line of outcome counts per
   * strategy ({@code faults strategy=canary schedules=.. succeeded=.. rolled_back=.. crashed=..});
   * the caller prints {@link Summary#verdict()} ({@code schedules: <K> violations: <V>}) last.
   * The command is {@code java -jar benchmarks/target/molt-benchmarks.jar faults}.
   *
   * @param schedules how many
   * @param seed the campaign's seed
   * @param lines takes each line
   * @return the counts, and the verdict line
   */
  public static Summary run(int schedules, long seed, Consumer<String> lines) {
    Random seeds = new Random(seed);
    int violations = 0;
    Map<String, Map<String, Integer>> tally = new TreeMap<>();
    for (int n = 0; n < schedules; n++) {
      Outcome outcome = runOne(seeds.nextLong());
      for (String v : outcome.violations()) {
        lines.accept("violation seed=" + outcome.schedule().seed() + " " + outcome.schedule()
            + ": " + v);
      }
      violations += outcome.violations().size();
      Map<String, Integer> counts = tally.computeIfAbsent(outcome.schedule().strategy().name(),
          k -> zeroCounts());
      counts.merge("schedules", 1, Integer::sum);
      counts.merge(outcome.phase().map(p -> p.name().toLowerCase(Locale.ROOT))
          .orElse("unfinished"), 1, Integer::sum);
      counts.merge("crashed", outcome.crashed() ? 1 : 0, Integer::sum);
    }
    tally.forEach((strategy, counts) -> lines.accept("faults strategy=" + strategy + " "
        + counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "))));
    return new Summary(schedules, violations);
  }

  private static Map<String, Integer> zeroCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String key : List.of("schedules", "succeeded", "rolled_back", "unfinished", "crashed")) {
      counts.put(key, 0);
    }
    return counts;
  }

  /**
   * Runs the schedule drawn from {@code seed}.
   *
   * @param seed the schedule's seed
   * @return what happened
   */
  public static Outcome runOne(long seed) {
    return run(Schedule.draw(seed));
  }

  /**
   * Runs one schedule.
   *
   * @param schedule what to run
   * @return what happened
   */
  public static Outcome run(Schedule schedule) {
    long seed = schedule.seed();
    SimulatedPlatform sim = SimulatedPlatform.create(seed, schedule.routed());
    sim.deploy(Schedule.FLEET, SimulatedPlatform.spec("v1"), schedule.spec().capacity());
    if (schedule.foreign()) {
      sim.provider().addForeign("foreign-1", Schedule.FLEET, SimulatedPlatform.spec("v0")
          .revision(), Map.of(OwnerLabels.MANAGED_BY, "someone-else"));
    }
    sim.inject(schedule.plan());
    InvariantChecker checker = InvariantChecker.of(sim.provider(), schedule.spec());
    List<String> problems = new ArrayList<>();
    boolean crashed = false;
    try {
      crashed = drive(sim, schedule, checker);
    } catch (RuntimeException e) {
      problems.add("unexpected " + e);
    }
    problems.addAll(checker.violations());
    if (checker.end().isEmpty() && problems.isEmpty()) {
      problems.add("the rollout did not end within " + RUN_LIMIT);
    }
    return new Outcome(schedule, checker.end(), crashed, List.copyOf(problems));
  }

  private static boolean drive(SimulatedPlatform sim, Schedule schedule, InvariantChecker checker) {
    VirtualTime time = sim.time();
    CrashSwitch crash = CrashSwitch.afterEvents(Math.max(1, schedule.crashAfterEvents()));
    RolloutEngine first = engine(sim, schedule, checker, "first", crash);
    if (schedule.crashAfterEvents() > 0) {
      crash.attach(first);
    }
    RolloutHandle handle = first.start(schedule.spec());
    runUntil(time, () -> handle.completion().isDone() || crash.crashed());
    if (!crash.crashed()) {
      return false;
    }
    time.advance(schedule.downtime()); // the fleet is left alone; the crashed lease lapses
    RolloutEngine second = engine(sim, schedule, checker, "second", CrashSwitch.afterEvents(1));
    for (RolloutHandle resumed : second.resumeAll()) {
      runUntil(time, () -> resumed.completion().isDone());
    }
    return true;
  }

  private static RolloutEngine engine(SimulatedPlatform sim, Schedule schedule,
      InvariantChecker checker, String identity, CrashSwitch crash) {
    return RolloutEngine.builder(checker.wrap(sim.provider())).time(sim.time())
        .seed(schedule.seed()).store(sim.store()).identity(identity).leaseTtl(LEASE_TTL)
        .pollInterval(schedule.pollInterval()).listener(checker).listener(crash).build();
  }

  private static void runUntil(VirtualTime time, BooleanSupplier done) {
    time.runUntil(done, time.now().plus(RUN_LIMIT));
  }

}
