package dev.molt.testkit.faults;

import dev.molt.rollout.RolloutSpec;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One random fault schedule of a {@link FaultCampaign}: the fleet, the strategy, the faults, when
 * (if ever) the engine crashes, whether a foreign instance sits in the fleet, and the {@link
 * Chaos} beyond the platform's faults (including a reconcile instead of the rollout). Drawn entirely
 * from its seed, so printing the seed is enough to replay it.
 *
 * @param seed the seed it was drawn from
 * @param strategy which strategy case
 * @param spec the rollout to run (target: version {@code v2})
 * @param plan the faults injected once v1 is deployed
 * @param crashAfterEvents crash the engine after this many events; 0 for never
 * @param downtime how long the fleet is left alone between a crash and the resume
 * @param foreign whether a foreign instance (not Molt's) sits in the fleet
 * @param pollInterval the engine's poll interval
 * @param routed whether the platform has a traffic router
 * @param chaos the faults beyond the plan: metric sources, old instances, sabotage, a person, a
 *     reconcile instead of the rollout
 */
public record Schedule(
    long seed,
    StrategyCase strategy,
    RolloutSpec spec,
    FaultPlan plan,
    int crashAfterEvents,
    Duration downtime,
    boolean foreign,
    Duration pollInterval,
    boolean routed,
    Chaos chaos) {

  /** The fleet every schedule rolls. */
  public static final String FLEET = "sim";

  /**
   * Draws a schedule.
   *
   * @param seed its seed
   * @return the schedule
   */
  public static Schedule draw(long seed) {
    StrategyCase strategy = StrategyCase.ALL.get(
        (int) Math.floorMod(seed, (long) StrategyCase.ALL.size()));
    return draw(seed, strategy);
  }

  /**
   * Draws a schedule of a given strategy.
   *
   * @param seed its seed
   * @param strategy the strategy case
   * @return the schedule
   */
  public static Schedule draw(long seed, StrategyCase strategy) {
    return draw(seed, strategy, false);
  }

  /**
   * Draws the schedule {@link #draw(long, StrategyCase)} draws, with the same fleet, strategy,
   * timings and plan probabilities, but none of the extra faults: no refusals, metric sources that
   * answer at once, no {@link Chaos}, and only the new revision's instances misbehave.
   *
   * @param seed its seed
   * @param strategy the strategy case
   * @return the schedule
   */
  public static Schedule calm(long seed, StrategyCase strategy) {
    return draw(seed, strategy, true);
  }

  private static Schedule draw(long seed, StrategyCase strategy, boolean calm) {
    Random random = new Random(seed);
    Random extra = new Random(~seed); // its own stream: the base draws stay as calm() has them
    MetricFaults metrics = MetricFaults.draw(extra);
    int capacity = 1 + random.nextInt(12);
    RolloutSpec spec = RolloutSpec.builder(FLEET).capacity(capacity)
        .target(dev.molt.testkit.SimulatedPlatform.spec("v2"))
        .strategy(strategy.draw(random, capacity, calm ? MetricFaults.none() : metrics))
        .progressDeadline(Duration.ofMinutes(10 + random.nextInt(20)))
        .drainTimeout(Duration.ofSeconds(5 + random.nextInt(60))).build();
    boolean broken = random.nextInt(4) == 0;
    FaultPlan plan = FaultPlan.none()
        .withLatencies(latency(random, 30), latency(random, 20))
        .withLaunchFailures(broken ? 1 : random.nextDouble() * 0.15)
        .withNeverHealthy(broken ? 0 : random.nextDouble() * 0.15)
        .withFlapping(broken ? 0 : random.nextDouble() * 0.1,
            Duration.ofSeconds(5 + random.nextInt(60)))
        .withSlow(broken ? 0 : random.nextDouble() * 0.2, Duration.ofSeconds(random.nextInt(200)))
        .withCallErrors(random.nextDouble() * 0.2, random.nextDouble() * 0.1)
        .onlyFor(spec.target().revision())
        .quietAfter(Duration.ofMinutes(1 + random.nextInt(8)));
    int crash = random.nextInt(3) == 0 ? 1 + random.nextInt(40) : 0;
    Duration downtime = Duration.ofSeconds(31 + random.nextInt(300));
    boolean foreign = random.nextBoolean();
    Duration poll = Duration.ofSeconds(1 + random.nextInt(10));
    boolean routed = random.nextInt(4) != 0;
    Refusals refusals = Refusals.draw(extra);
    boolean everyRevision = !broken && extra.nextInt(4) == 0;
    Chaos chaos = Chaos.draw(extra, capacity, plan.quietAfter(), metrics);
    if (!calm) {
      plan = (everyRevision ? plan.forEveryRevision() : plan).withRefusals(refusals);
    }
    return new Schedule(seed, strategy, spec, plan, crash, downtime, foreign, poll, routed,
        calm ? Chaos.none() : chaos);
  }

  /**
   * The fault classes this schedule draws from, as the campaign's {@code classes:} line names
   * them: {@code launch-failure}, {@code never-healthy}, {@code flapping}, {@code slow}, {@code
   * throttle}, {@code timeout}, {@code crash}, {@code foreign}, {@code refuse-<kind>}, {@code
   * old-relaunch-faults}, and those of {@link Chaos#classes()}, plus {@code
   * crash-during-reconcile}.
   *
   * @return the classes, sorted
   */
  public Set<String> classes() {
    Set<String> out = new TreeSet<>();
    add(out, plan.launchFailure() > 0, "launch-failure");
    add(out, plan.neverHealthy() > 0, "never-healthy");
    add(out, plan.flapping() > 0, "flapping");
    add(out, plan.slow() > 0, "slow");
    add(out, plan.throttle() > 0, "throttle");
    add(out, plan.timeout() > 0, "timeout");
    add(out, crashAfterEvents > 0, "crash");
    add(out, foreign, "foreign");
    add(out, plan.faultyRevision().isEmpty(), "old-relaunch-faults");
    out.addAll(plan.refusals().classes());
    out.addAll(chaos.classes());
    add(out, crashAfterEvents > 0 && chaos.reconcile().isPresent(), "crash-during-reconcile");
    return out;
  }

  private static void add(Set<String> classes, boolean drawn, String name) {
    if (drawn) {
      classes.add(name);
    }
  }

  /** Normal latencies stay under 70 s in all, within every drawn healthy deadline (≥ 90 s). */
  static Latency latency(Random random, int maxSeconds) {
    Duration min = Duration.ofSeconds(random.nextInt(10));
    Duration max = min.plusSeconds(random.nextInt(maxSeconds));
    return switch (random.nextInt(3)) {
      case 0 -> Latency.fixed(min);
      case 1 -> Latency.uniform(min, max);
      default -> Latency.exponential(min, max);
    };
  }

  @Override
  public String toString() {
    return "strategy=" + strategy.name() + " capacity=" + spec.capacity() + " " + spec.strategy()
        + " routed=" + routed + " crashAfter=" + crashAfterEvents + " foreign=" + foreign
        + " plan=" + plan + " " + chaos;
  }

  /** @return a copy that crashes the engine after {@code events} events (0: never) */
  public Schedule withCrashAfter(int events) {
    return new Schedule(seed, strategy, spec, plan, events, downtime, foreign, pollInterval,
        routed, chaos);
  }

  /** @return a copy on a platform with ({@code true}) or without a traffic router */
  public Schedule withRouted(boolean withRouter) {
    return new Schedule(seed, strategy, spec, plan, crashAfterEvents, downtime, foreign,
        pollInterval, withRouter, chaos);
  }

  /** @return a copy rolling out {@code newSpec} instead */
  public Schedule withSpec(RolloutSpec newSpec) {
    return new Schedule(seed, strategy, newSpec, plan, crashAfterEvents, downtime, foreign,
        pollInterval, routed, chaos);
  }

  /** @return a copy injecting {@code newPlan} */
  public Schedule withPlan(FaultPlan newPlan) {
    return new Schedule(seed, strategy, spec, newPlan, crashAfterEvents, downtime, foreign,
        pollInterval, routed, chaos);
  }

  /** @return a copy with these extra faults */
  public Schedule withChaos(Chaos newChaos) {
    return new Schedule(seed, strategy, spec, plan, crashAfterEvents, downtime, foreign,
        pollInterval, routed, newChaos);
  }
}
