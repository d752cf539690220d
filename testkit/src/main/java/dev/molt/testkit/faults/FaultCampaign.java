package dev.molt.testkit.faults;

import dev.molt.OwnerLabels;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutHandle;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.testkit.invariants.InvariantChecker;
import dev.molt.time.VirtualTime;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutListener;
import dev.molt.testkit.invariants.Liveness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs random fault schedules against the engine and checks every invariant of {@link
 * InvariantChecker} on each. v1 is deployed, then the schedule's faults are installed: platform
 * call errors, refusals of each action kind (per call, or every call during a window), misbehaving
 * new instances ({@link FaultPlan}), and the {@link Chaos} beyond them: analyses whose metric
 * source hangs or answers late ({@link FaultyGate}), old instances that flap or that the platform
 * loses ({@link PlatformMishaps}), a new revision that fails after the switch ({@link Saboteur}),
 * and a {@link Person} at the controls in every phase (an undo or retry that starts a new run is
 * driven to its end too). A rollout to v2 then runs, or for some schedules a reconcile of tainted
 * or drifted instances ({@link ReconcileDrive}). For a third of the schedules the engine crashes
 * after a random event and a fresh engine resumes from the store once the lease lapsed. The end
 * state is checked, and every run's liveness against its {@link Liveness} bound. One schedule in
 * {@value #CAMPAIGN_SHARE} is a campaign schedule instead ({@link CampaignSchedule}): a random
 * patch-wave campaign over several fleets under the same platform faults, checked by a {@link
 * dev.molt.testkit.invariants.CampaignChecker} and each fleet's invariant checker. Every schedule
 * derives from its own seed, printed with each violation, so {@link #runOne(long)} replays it.
 *
 * <pre>{@code
 * int violations = FaultCampaign.run(10_000, 42, System.out::println).violations();
 * }</pre>
 */
public final class FaultCampaign {
  static final Duration LEASE_TTL = Duration.ofSeconds(30);

  /** One schedule in this many is a campaign schedule ({@link #isCampaign}). */
  public static final int CAMPAIGN_SHARE = 10;

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
      List<String> violations) {

    /** @return the outcome in the campaign's common form */
    public Report report() {
      return new Report(schedule.seed(), schedule.strategy().name(), schedule.toString(),
          schedule.classes(), phase.map(p -> p.name().toLowerCase(Locale.ROOT))
              .orElse("unfinished"), crashed, violations);
    }
  }

  /**
   * The outcome of one schedule of either kind, a rollout ({@link Outcome}) or a campaign ({@link
   * CampaignOutcome}), as the campaign counts and prints it.
   *
   * @param seed the schedule's seed
   * @param strategy the strategy case's name, or {@value CampaignSchedule#STRATEGY}
   * @param schedule the schedule, as a violation line describes it
   * @param classes the fault classes it drew from
   * @param end how it ended, as the counts name it: {@code succeeded}, {@code rolled_back} or
   *     {@code unfinished} for a rollout; {@code completed}, {@code halted} or {@code unfinished}
   *     for a campaign
   * @param crashed whether the engine was crashed and resumed
   * @param violations every invariant breach, empty if none
   */
  public record Report(long seed, String strategy, String schedule, Set<String> classes,
      String end, boolean crashed, List<String> violations) {

    /** Copies the collections. */
    public Report {
      classes = Set.copyOf(classes);
      violations = List.copyOf(violations);
    }
  }

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
   * strategy ({@code faults strategy=canary schedules=.. succeeded=.. rolled_back=.. crashed=..},
   * and for the campaign schedules {@code faults strategy=campaign schedules=.. completed=..
   * halted=.. violations=..}),
   * then {@code classes: <c1>,<c2>,..}: the fault classes the schedules actually drew from ({@link
   * Schedule#classes()}); the caller prints {@link Summary#verdict()} ({@code schedules: <K>
   * violations: <V>}) last.
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
    Set<String> classes = new TreeSet<>();
    for (int n = 0; n < schedules; n++) {
      Report report = runOne(seeds.nextLong());
      classes.addAll(report.classes());
      for (String v : report.violations()) {
        lines.accept("violation seed=" + report.seed() + " " + report.schedule() + ": " + v);
      }
      violations += report.violations().size();
      boolean campaign = report.strategy().equals(CampaignSchedule.STRATEGY);
      Map<String, Integer> counts = tally.computeIfAbsent(report.strategy(),
          k -> zeroCounts(campaign));
      counts.merge("schedules", 1, Integer::sum);
      counts.merge(report.end(), 1, Integer::sum);
      if (campaign) {
        counts.merge("violations", report.violations().size(), Integer::sum);
      } else {
        counts.merge("crashed", report.crashed() ? 1 : 0, Integer::sum);
      }
    }
    tally.forEach((strategy, counts) -> lines.accept("faults strategy=" + strategy + " "
        + counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "))));
    lines.accept("classes: " + String.join(",", classes));
    return new Summary(schedules, violations);
  }

  private static Map<String, Integer> zeroCounts(boolean campaign) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String key : campaign ? List.of("schedules", "completed", "halted", "violations")
        : List.of("schedules", "succeeded", "rolled_back", "unfinished", "crashed")) {
      counts.put(key, 0);
    }
    return counts;
  }

  /**
   * Runs the schedule drawn from {@code seed}: a campaign schedule ({@link CampaignSchedule}) for
   * the seeds {@link #isCampaign} picks, a rollout schedule ({@link Schedule}) for the others.
   *
   * @param seed the schedule's seed
   * @return what happened
   */
  public static Report runOne(long seed) {
    return isCampaign(seed) ? run(CampaignSchedule.draw(seed)).report()
        : run(Schedule.draw(seed)).report();
  }

  /**
   * Whether the seed draws a campaign schedule: one seed in {@value #CAMPAIGN_SHARE}, chosen by
   * bits that {@link Schedule#draw(long)}'s choice of strategy does not read, so every strategy
   * keeps its share of the rollout schedules.
   *
   * @param seed a schedule's seed
   * @return true for a campaign schedule
   */
  public static boolean isCampaign(long seed) {
    return Math.floorMod(Long.rotateRight(seed, 29) * 0x9E3779B97F4A7C15L >>> 40, CAMPAIGN_SHARE)
        == 0;
  }

  /**
   * Runs one campaign schedule: its fleets deployed on v1, the faults installed, then the
   * campaign, checked at every event by a {@link dev.molt.testkit.invariants.CampaignChecker}
   * (exposure budget, {@code maxConcurrentFleets}, wave order) and each fleet's rollouts by an
   * {@link InvariantChecker}; at the end, that the campaign ended within a bounded virtual time,
   * halted exactly when more fleets failed than {@code maxFailures} allows, and left every fleet
   * whole on its new revision or back on its old one, with nothing unowned.
   *
   * @param schedule what to run
   * @return what happened
   */
  public static CampaignOutcome run(CampaignSchedule schedule) {
    return CampaignDrive.run(schedule);
  }

  /**
   * Runs one schedule: a rollout, or for a schedule whose {@link Chaos#reconcile()} is drawn a
   * reconcile ({@link ReconcileDrive}).
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
    if (schedule.chaos().reconcile().isPresent()) {
      return ReconcileDrive.run(sim, schedule, schedule.chaos().reconcile().get());
    }
    sim.inject(schedule.plan());
    mishaps(sim, schedule);
    InvariantChecker checker = InvariantChecker.of(sim.provider(), schedule.spec(),
        schedule.pollInterval());
    Person person = new Person(sim.time(), schedule.chaos().controls(),
        schedule.chaos().pauseLength());
    Liveness liveness = liveness(schedule, schedule.spec());
    List<String> problems = new ArrayList<>();
    boolean crashed = false;
    try {
      crashed = drive(sim, schedule, checker, person, liveness);
    } catch (RuntimeException e) {
      problems.add("unexpected " + e);
    }
    checker.checkLiveness(liveness);
    problems.addAll(checker.violations());
    person.unexpected().forEach(u -> problems.add("a control threw: " + u));
    return new Outcome(schedule, checker.end(), crashed, List.copyOf(problems));
  }

  /** Old instances lost and flapping, as the schedule's chaos draws them. */
  static void mishaps(SimulatedPlatform sim, Schedule schedule) {
    Chaos chaos = schedule.chaos();
    PlatformMishaps.install(sim.provider(), sim.time(), Schedule.FLEET,
        SimulatedPlatform.spec("v1").revision(), chaos.losses(), chaos.oldFlapShare(),
        chaos.oldFlapPeriod(), schedule.plan().quietAfter(), schedule.seed() * 31 + 7);
  }

  /** The liveness bound of a run of {@code spec} under the schedule's faults. */
  static Liveness liveness(Schedule schedule, RolloutSpec spec) {
    Duration quiet = schedule.plan().quietAfter();
    Duration down = schedule.crashAfterEvents() > 0 ? schedule.downtime().plus(LEASE_TTL)
        : Duration.ZERO;
    Duration chaos = schedule.chaos().addedTime();
    return Liveness.of(spec, quiet.plus(down).plus(chaos), "(faults quiet after " + quiet
        + " + downtime and lease " + down + " + pauses, controls and sabotage " + chaos + ")");
  }

  private static boolean drive(SimulatedPlatform sim, Schedule schedule, InvariantChecker checker,
      Person person, Liveness liveness) {
    VirtualTime time = sim.time();
    Instant limit = time.now().plus(liveness.bound().multipliedBy(2).plus(Duration.ofHours(1)));
    List<RolloutListener> extra = new ArrayList<>(List.of(person));
    schedule.chaos().sabotage().ifPresent(s -> extra.add(new Saboteur(sim.provider(), time,
        schedule.spec().target().revision(), s.share(), s.delay(), schedule.seed() * 17 + 3)));
    CrashSwitch crash = CrashSwitch.afterEvents(Math.max(1, schedule.crashAfterEvents()));
    RolloutEngine first = engine(sim, schedule, checker, "first", crash, extra);
    if (schedule.crashAfterEvents() > 0) {
      crash.attach(first);
    }
    person.attach(first.start(schedule.spec()));
    time.runUntil(() -> crash.crashed() || settled(person), limit);
    if (!crash.crashed()) {
      return false;
    }
    checker.engineStopped();
    person.away();
    time.advance(schedule.downtime()); // the fleet is left alone; the crashed lease lapses
    RolloutEngine second = engine(sim, schedule, checker, "second", CrashSwitch.afterEvents(1),
        extra);
    for (RolloutHandle resumed : second.resumeAll()) {
      person.attach(resumed);
    }
    time.runUntil(() -> settled(person), limit);
    return true;
  }

  /** The person's latest run ended and nothing the person does is still to come. */
  private static boolean settled(Person person) {
    return person.current().completion().isDone() && !person.busy();
  }

  static RolloutEngine engine(SimulatedPlatform sim, Schedule schedule,
      InvariantChecker checker, String identity, CrashSwitch crash,
      List<RolloutListener> extra) {
    RolloutEngine.Builder b = RolloutEngine.builder(checker.wrap(sim.provider()))
        .time(sim.time()).seed(schedule.seed()).store(sim.store()).identity(identity)
        .leaseTtl(LEASE_TTL).pollInterval(schedule.pollInterval()).listener(checker)
        .listener(crash);
    extra.forEach(b::listener);
    return b.build();
  }
}
