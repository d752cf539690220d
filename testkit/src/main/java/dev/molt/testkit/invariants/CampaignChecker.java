package dev.molt.testkit.invariants;

import dev.molt.Arguments;
import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignListener;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.FleetProgress;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a campaign's promises at every event, its own and every fleet rollout's, from the
 * platforms' ground truth. Register it as a listener of the campaign ({@code
 * Campaigns.Builder.listener}) and of every engine the campaign drives. The platforms are
 * simulated ones ({@link InMemoryProvider}, read directly) or any others, read through their
 * provider ({@link #ofProviders}: observe, then health) at every event.
 *
 * <ul>
 *   <li><b>exposure</b>: the healthy (serving) instances of revisions that have not yet passed
 *       their rollout — a campaign fleet's rebuilt revision until its rollout succeeded — summed
 *       over all fleets, never exceed {@link CampaignSpec#exposureBudget()}; nor does the
 *       campaign's own account ({@link Campaign#exposure()});
 *   <li><b>concurrency</b>: in each wave, the fleets with a running rollout toward a new revision
 *       (a revert, back to the fleet's previous revision, is not one) never exceed the wave's
 *       {@code maxConcurrentFleets};
 *   <li><b>order</b>: no fleet's rollout starts while an earlier wave still has a fleet rolling.
 * </ul>
 *
 * Thread-safe.
 */
public final class CampaignChecker implements RolloutListener, CampaignListener {
  private final CampaignSpec spec;
  /** Each engine name's ground truth: a fleet's serving (healthy) instances. */
  private final Map<String, Function<String, List<Instance>>> platforms;
  private final Map<String, CampaignFleet> fleets = new HashMap<>();
  private final Map<String, Integer> waveIndex = new HashMap<>();
  private final Map<String, Rollout> active = new HashMap<>();
  private final Set<String> passed = new HashSet<>();
  private final List<String> violations = new ArrayList<>();
  private Optional<Campaign> campaign = Optional.empty();
  private int peakServing;
  private int checks;

  private CampaignChecker(CampaignSpec spec,
      Map<String, Function<String, List<Instance>>> platforms) {
    this.spec = spec;
    this.platforms = Map.copyOf(platforms);
    spec.fleets().stream().filter(f -> !platforms.containsKey(f.engine())).findFirst()
        .ifPresent(f -> {
          throw new IllegalArgumentException("fleet " + f.name() + " runs on engine "
              + f.engine() + ", which the checker has no platform for: give each engine's"
              + " platform (engines " + new java.util.TreeSet<>(platforms.keySet()) + ")");
        });
    spec.fleets().forEach(f -> fleets.put(f.name(), f));
    List<List<CampaignFleet>> waves = spec.waveFleets();
    for (int w = 0; w < waves.size(); w++) {
      for (CampaignFleet f : waves.get(w)) {
        waveIndex.put(f.name(), w);
      }
    }
  }

  /**
   * Starts checking a campaign whose fleets all run on one simulated platform.
   *
   * @param spec the campaign's spec
   * @param platform the platform of the default engine
   * @return the checker
   */
  public static CampaignChecker of(CampaignSpec spec, InMemoryProvider platform) {
    return of(spec, Map.of(CampaignFleet.DEFAULT_ENGINE, platform));
  }

  /**
   * Starts checking a campaign over several simulated platforms.
   *
   * @param spec the campaign's spec
   * @param platforms each engine name's platform
   * @return the checker
   */
  public static CampaignChecker of(CampaignSpec spec, Map<String, InMemoryProvider> platforms) {
    Map<String, Function<String, List<Instance>>> serving = new HashMap<>();
    Arguments.required(platforms, "platforms").forEach((engine, platform) -> serving.put(engine,
        fleet -> platform.instances(fleet).stream().filter(Instance::isHealthy).toList()));
    return new CampaignChecker(Arguments.required(spec, "spec"), serving);
  }

  /**
   * Starts checking a campaign over platforms of any kind (in-memory, Docker, Kubernetes, AWS),
   * each read through its provider at every event: its fleet's instances ({@link
   * Provider#observe}) whose {@link Provider#health} is {@link Health#HEALTHY} serve. Give the
   * providers the engines run on, or others on the same platform; their calls happen on the
   * threads that report events, under the checker's lock.
   *
   * @param spec the campaign's spec
   * @param providers each engine name's provider
   * @return the checker
   * @throws IllegalArgumentException if a fleet's engine has no provider here
   */
  public static CampaignChecker ofProviders(CampaignSpec spec, Map<String, Provider> providers) {
    Map<String, Function<String, List<Instance>>> serving = new HashMap<>();
    Arguments.required(providers, "providers").forEach((engine, provider) -> serving.put(engine,
        fleet -> {
          List<Instance> observed = provider.observe(fleet);
          Map<String, Health> health = provider.health(fleet, observed);
          return observed.stream().filter(i -> health.get(i.id()) == Health.HEALTHY).toList();
        }));
    return new CampaignChecker(Arguments.required(spec, "spec"), serving);
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (!waveIndex.containsKey(rollout.fleet())) {
      return;
    }
    if (rollout.isDone()) {
      active.remove(rollout.id());
      if (rollout.phase() == RolloutPhase.SUCCEEDED) {
        passed.add(key(rollout.fleet(), rollout.to()));
      }
    } else if (!isRevert(rollout)) {
      if (!active.containsKey(rollout.id())) {
        checkOrder(rollout);
      }
      active.put(rollout.id(), rollout);
    }
    check(rollout.id() + " " + event.type());
  }

  @Override
  public synchronized void onEvent(Campaign snapshot, CampaignEvent event) {
    campaign = Optional.of(snapshot);
    check(snapshot.id() + " " + event.type());
  }

  /** @return every breach so far, oldest first; empty if none */
  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** @return how many events were checked: a test can tell that the checker saw the campaign */
  public synchronized int checks() {
    return checks;
  }

  /** @return the most serving instances of unproven revisions seen at one event */
  public synchronized int peakServing() {
    return peakServing;
  }

  private boolean isRevert(Rollout rollout) {
    return rollout.to().equals(fleets.get(rollout.fleet()).rollout().target().revision());
  }

  private void checkOrder(Rollout starting) {
    int wave = waveIndex.get(starting.fleet());
    for (Rollout other : active.values()) {
      int otherWave = waveIndex.get(other.fleet());
      if (otherWave < wave) {
        violations.add("order: " + starting.fleet() + " (wave " + wave + ") started rollout "
            + starting.id() + " while " + other.fleet() + " of wave " + otherWave + " still rolls "
            + other.id());
      }
    }
  }

  private void check(String at) {
    checks++;
    int serving = 0;
    for (CampaignFleet f : fleets.values()) {
      Set<Revision> unproven = new HashSet<>();
      active.values().stream().filter(r -> r.fleet().equals(f.name())).map(Rollout::to)
          .forEach(unproven::add);
      campaign.flatMap(c -> c.fleet(f.name())).flatMap(FleetProgress::target)
          .ifPresent(unproven::add);
      unproven.removeIf(r -> passed.contains(key(f.name(), r))
          || r.equals(f.rollout().target().revision()));
      if (unproven.isEmpty()) {
        continue; // nothing to count: spare the platform a read
      }
      for (Instance i : platforms.get(f.engine()).apply(f.name())) {
        if (unproven.contains(i.revision())) {
          serving++;
        }
      }
    }
    peakServing = Math.max(peakServing, serving);
    if (serving > spec.exposureBudget()) {
      violations.add("exposure: at " + at + ", " + serving + " serving instances run unproven"
          + " revisions, over the budget of " + spec.exposureBudget() + " (" + spec.maxExposure()
          + "% of " + spec.totalCapacity() + ")");
    }
    campaign.filter(c -> c.exposure() > spec.exposureBudget()).ifPresent(c -> violations.add(
        "exposure: at " + at + ", the campaign counts " + c.exposure() + " exposed instances,"
        + " over the budget of " + spec.exposureBudget()));
    for (int w = 0; w < spec.waves().size(); w++) {
      Wave wave = spec.waves().get(w);
      int index = w;
      long rolling = active.values().stream().filter(r -> waveIndex.get(r.fleet()) == index)
          .map(Rollout::fleet).distinct().count();
      if (rolling > wave.maxConcurrentFleets()) {
        violations.add("concurrency: at " + at + ", " + rolling + " fleets of wave "
            + wave.name() + " roll at once, over its maxConcurrentFleets="
            + wave.maxConcurrentFleets());
      }
    }
  }

  private static String key(String fleet, Revision revision) {
    return fleet + "/" + revision;
  }
}
