package dev.molt.testkit.faults;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Wave;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One random campaign schedule of a {@link FaultCampaign}: a patch-wave campaign (base v1 → v2)
 * over two to six in-memory fleets of random sizes and strategies ({@link StrategyCase#ALL}), in
 * two to four waves (by label or by list) with random {@code maxConcurrentFleets}, bake and
 * approvals, a random exposure budget, {@code maxFailures} and roll-back on halt, some fleets
 * whose rebuilt image never becomes healthy, in half of them the death of the campaign's process
 * at a random event (resumed by another from the store), and the platform faults of the rollout schedules
 * (call errors, refusals, failing, never healthy, flapping and slow instances, latencies) on every
 * revision. Drawn entirely from its seed, so printing the seed is enough to replay it.
 *
 * @param seed the seed it was drawn from
 * @param spec the campaign
 * @param strategies each fleet's strategy case name, by fleet
 * @param broken the fleets whose rebuilt image never becomes healthy
 * @param plan the faults injected once every fleet runs v1
 * @param lostLaunchResponses how many of the first launches then succeed on the platform but lose
 *     their response ({@link dev.molt.inmemory.InMemoryProvider#loseLaunchResponses})
 * @param approvalDelay how long the schedule's person takes to approve a wave that asks for it
 * @param pollInterval the engine's poll interval
 * @param routed whether the platform has a traffic router
 * @param crashAfterEvent after which of its events the campaign's process dies (engine and
 *     campaign driver, leases left to lapse) and a new one resumes it from the store; 0 for none
 */
public record CampaignSchedule(
    long seed,
    CampaignSpec spec,
    Map<String, String> strategies,
    Set<String> broken,
    FaultPlan plan,
    int lostLaunchResponses,
    Duration approvalDelay,
    Duration pollInterval,
    boolean routed,
    int crashAfterEvent) {

  /** The base every fleet's image is built on at the start. */
  public static final Image BASE_V1 = SimulatedPlatform.spec("base-v1").image();

  /** The patched base the campaign rolls out. */
  public static final Image BASE_V2 = SimulatedPlatform.spec("base-v2").image();

  /** The strategy name of campaign schedules in the campaign's counts. */
  public static final String STRATEGY = "campaign";

  private static final Image RUNTIME = SimulatedPlatform.spec("runtime").image()
      .withBase(BASE_V1);

  /** Copies the collections. */
  public CampaignSchedule {
    strategies = Map.copyOf(strategies);
    broken = Set.copyOf(broken);
  }

  /**
   * Draws a campaign schedule.
   *
   * @param seed its seed
   * @return the schedule
   */
  public static CampaignSchedule draw(long seed) {
    Random random = new Random(seed);
    int n = 2 + random.nextInt(5);
    int waves = 2 + random.nextInt(Math.min(3, n - 1));
    Map<String, String> strategies = new TreeMap<>();
    Set<String> broken = new TreeSet<>();
    List<CampaignFleet> fleets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "fleet-" + i;
      int capacity = 1 + random.nextInt(8);
      StrategyCase strategy = StrategyCase.ALL.get(random.nextInt(StrategyCase.ALL.size()));
      Image app = SimulatedPlatform.spec("app-" + name).image()
          .withBase(random.nextBoolean() ? RUNTIME : BASE_V1);
      LaunchSpec current = LaunchSpec.builder(app).ports(8080)
          .healthCheck(HealthCheck.http(8080, "/health")).build();
      RolloutSpec rollout = RolloutSpec.builder(name).capacity(capacity).target(current)
          .strategy(strategy.draw(random, capacity, MetricFaults.none()))
          .progressDeadline(Duration.ofMinutes(10 + random.nextInt(20)))
          .drainTimeout(Duration.ofSeconds(5 + random.nextInt(60))).build();
      // every wave gets at least one fleet: the first ones in order, then at random
      int wave = i < waves ? i : random.nextInt(waves);
      fleets.add(CampaignFleet.of(rollout, Map.of("ring", "w" + wave)));
      strategies.put(name, strategy.name());
      if (random.nextInt(5) == 0) {
        broken.add(name);
      }
    }
    CampaignSpec.Builder b = CampaignSpec.builder("patch-" + Long.toHexString(seed),
        new BaseChange(BASE_V1, BASE_V2))
        .maxExposure(budget(random, fleets))
        .maxFailures(random.nextInt(4) == 0 ? Amount.percent(random.nextInt(60))
            : Amount.of(random.nextInt(3)))
        .rollBackOnHalt(random.nextBoolean());
    fleets.forEach(b::fleet);
    for (int w = 0; w < waves; w++) {
      b.wave(wave(random, w, fleets));
    }
    FaultPlan plan = FaultPlan.none()
        .withLatencies(Schedule.latency(random, 30), Schedule.latency(random, 20))
        .withLaunchFailures(random.nextDouble() * 0.1)
        .withNeverHealthy(random.nextDouble() * 0.1)
        .withFlapping(random.nextDouble() * 0.1, Duration.ofSeconds(5 + random.nextInt(60)))
        .withSlow(random.nextDouble() * 0.2, Duration.ofSeconds(random.nextInt(200)))
        .withCallErrors(random.nextDouble() * 0.2, random.nextDouble() * 0.1)
        .withRefusals(Refusals.draw(random))
        .quietAfter(Duration.ofMinutes(5 + random.nextInt(40)));
    return new CampaignSchedule(seed, b.build(), strategies, broken, plan,
        random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0, Duration.ofSeconds(random.nextInt(1800)), Duration.ofSeconds(1 + random.nextInt(10)),
        random.nextInt(4) != 0, random.nextBoolean() ? 1 + random.nextInt(20) : 0);
  }

  /** A budget that the largest fleet alone fits, up to 100 %. */
  private static int budget(Random random, List<CampaignFleet> fleets) {
    int total = fleets.stream().mapToInt(CampaignFleet::capacity).sum();
    int largest = fleets.stream().mapToInt(CampaignFleet::capacity).max().orElseThrow();
    int least = (int) Math.ceil(largest * 100.0 / total);
    return Math.min(100, least + random.nextInt(60));
  }

  private static Wave wave(Random random, int w, List<CampaignFleet> fleets) {
    String name = "w" + w;
    Wave wave = random.nextBoolean() ? Wave.matching(name, Map.of("ring", name))
        : Wave.of(name, fleets.stream().filter(f -> f.labels().get("ring").equals(name))
            .map(CampaignFleet::name).toArray(String[]::new));
    wave = wave.withMaxConcurrentFleets(1 + random.nextInt(3));
    if (random.nextInt(3) == 0) {
      wave = wave.withBake(Duration.ofSeconds(random.nextInt(900)));
    }
    return random.nextInt(4) == 0 ? wave.withApproval() : wave;
  }

  /** @return whether some wave waits for the person's approval */
  public boolean approvals() {
    return spec.waves().stream().anyMatch(Wave::approval);
  }

  /**
   * The fault classes this schedule draws from: {@code campaign}, {@code campaign-approval},
   * {@code campaign-broken-rebuild}, {@code campaign-roll-back-on-halt}, {@code campaign-crash},
   * and the platform's
   * ({@code lost-launch-response}, {@code launch-failure}, {@code never-healthy}, {@code flapping}, {@code slow}, {@code
   * throttle}, {@code timeout}, {@code refuse-<kind>}, {@code old-relaunch-faults}).
   *
   * @return the classes, sorted
   */
  public Set<String> classes() {
    Set<String> out = new TreeSet<>(Set.of("campaign"));
    add(out, approvals(), "campaign-approval");
    add(out, !broken.isEmpty(), "campaign-broken-rebuild");
    add(out, spec.rollBackOnHalt(), "campaign-roll-back-on-halt");
    add(out, crashAfterEvent > 0, "campaign-crash");
    add(out, lostLaunchResponses > 0, "lost-launch-response");
    add(out, plan.launchFailure() > 0, "launch-failure");
    add(out, plan.neverHealthy() > 0, "never-healthy");
    add(out, plan.flapping() > 0, "flapping");
    add(out, plan.slow() > 0, "slow");
    add(out, plan.throttle() > 0, "throttle");
    add(out, plan.timeout() > 0, "timeout");
    add(out, plan.faultyRevision().isEmpty(), "old-relaunch-faults");
    out.addAll(plan.refusals().classes());
    return out;
  }

  private static void add(Set<String> classes, boolean drawn, String name) {
    if (drawn) {
      classes.add(name);
    }
  }

  @Override
  public String toString() {
    StringBuilder fleets = new StringBuilder();
    for (CampaignFleet f : spec.fleets()) {
      fleets.append(fleets.length() == 0 ? "" : ",").append(f.name()).append(':')
          .append(strategies.get(f.name())).append('x').append(f.capacity())
          .append('@').append(f.labels().get("ring"))
          .append(broken.contains(f.name()) ? "(broken)" : "");
    }
    StringBuilder waves = new StringBuilder();
    for (Wave w : spec.waves()) {
      waves.append(waves.length() == 0 ? "" : ",").append(w.name()).append("(max=")
          .append(w.maxConcurrentFleets()).append(w.bake().isZero() ? "" : " bake=" + w.bake())
          .append(w.approval() ? " approval" : "").append(')');
    }
    return "strategy=" + STRATEGY + " fleets=[" + fleets + "] waves=[" + waves + "] maxExposure="
        + spec.maxExposure() + "% (" + spec.exposureBudget() + "/" + spec.totalCapacity()
        + ") maxFailures=" + spec.maxFailures() + " rollBackOnHalt=" + spec.rollBackOnHalt()
        + " routed=" + routed + " approvalDelay=" + approvalDelay + " lostLaunchResponses="
        + lostLaunchResponses + (crashAfterEvent > 0 ? " crashAfterEvent=" + crashAfterEvent
        : "") + " plan=" + plan;
  }
}
