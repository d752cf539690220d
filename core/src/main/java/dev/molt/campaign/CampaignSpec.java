package dev.molt.campaign;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.WindowEnd;
import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.reconcile.ImageCatalog;
import dev.molt.strategy.Amount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a campaign should achieve: every fleet of {@code fleets} whose image is {@code
 * change.from()} or was built on it (its {@link ImageCatalog} lineage) rebuilt on {@code
 * change.to()} and rolled out, wave after wave, while at no moment more than {@code maxExposure}
 * percent of the serving capacity of all {@code fleets} runs a revision that has not yet passed its
 * rollout. Fleets not built on the old base are left alone. Validated at construction, before
 * anything is launched.
 *
 * @param name the campaign's name, for logs and events
 * @param change the base-image change
 * @param fleets every fleet to consider, with its current rollout, labels and engine
 * @param waves the waves in order; every affected fleet is in exactly one
 * @param maxExposure the global exposure budget, a percentage in 1..100 of the total capacity of
 *     {@code fleets}: a fleet's whole capacity counts from the moment its rebuild starts until its
 *     rollout ended (default 100)
 * @param maxFailures fleets that may fail (rolled back by their own rollout, or not started
 *     because their rebuild failed) before the campaign halts, as a count or a percentage of the
 *     affected fleets, rounded down (default 0)
 * @param rollBackOnHalt whether a halted campaign aborts its running rollouts and returns the
 *     fleets it already changed to their previous revision (default false: they stay)
 * @param windows when fleets may start: weekly windows and freezes (default {@link
 *     DeploymentWindows#always()}); each fleet's rollout is given them too (unless they are always
 *     open: the fleet's own then stay), so a fleet whose rebuild ends after the window closed
 *     waits for the next one
 * @param windowEnd what a fleet's rollout that started inside a window does when the window ends
 *     (default {@link WindowEnd#FINISH}: it finishes; {@link WindowEnd#PAUSE}: it stops between
 *     steps and goes on in the next window)
 */
public record CampaignSpec(String name, BaseChange change, List<CampaignFleet> fleets,
    List<Wave> waves, int maxExposure, Amount maxFailures, boolean rollBackOnHalt,
    DeploymentWindows windows, WindowEnd windowEnd) {

  /**
   * Validates the fields and resolves the waves against the fleets.
   *
   * @throws InvalidSpecException naming the field that is wrong: an unknown fleet in a wave, a
   *     fleet in two waves, an affected fleet in none, a budget outside 1..100 % or one a single
   *     fleet exceeds
   */
  public CampaignSpec {
    Arguments.notBlank(name, "name");
    Arguments.required(change, "change");
    fleets = Arguments.copyOf(fleets, "fleets");
    waves = Arguments.copyOf(waves, "waves");
    Arguments.required(maxFailures, "maxFailures");
    Arguments.required(windows, "windows");
    Arguments.required(windowEnd, "windowEnd");
    if (fleets.isEmpty()) {
      throw new InvalidSpecException("fleets", "is empty: give every fleet the campaign may patch");
    }
    if (waves.isEmpty()) {
      throw new InvalidSpecException("waves", "is empty: give at least one wave");
    }
    if (maxExposure < 1 || maxExposure > 100) {
      throw new InvalidSpecException("maxExposure", "must be a percentage in 1..100, was "
          + maxExposure + (maxExposure == 0 ? " (a budget of 0% would never let a fleet start)"
          : ""));
    }
    check(fleets, waves, change, maxExposure);
  }

  private static void check(List<CampaignFleet> fleets, List<Wave> waves, BaseChange change,
      int maxExposure) {
    Map<String, CampaignFleet> byName = new HashMap<>();
    for (int i = 0; i < fleets.size(); i++) {
      if (byName.put(fleets.get(i).name(), fleets.get(i)) != null) {
        throw new InvalidSpecException("fleets[" + i + "]", "fleet " + fleets.get(i).name()
            + " is given twice");
      }
    }
    Set<String> waveNames = new HashSet<>();
    Map<String, String> waveOf = new HashMap<>();
    for (int w = 0; w < waves.size(); w++) {
      Wave wave = waves.get(w);
      if (!waveNames.add(wave.name())) {
        throw new InvalidSpecException("waves[" + w + "].name", "wave " + wave.name()
            + " is named twice");
      }
      for (String listed : wave.fleets()) {
        if (!byName.containsKey(listed)) {
          throw new InvalidSpecException("waves[" + w + "].fleets", "wave " + wave.name()
              + " lists fleet " + listed + ", which is not among the campaign's fleets "
              + byName.keySet().stream().sorted().toList());
        }
      }
      for (CampaignFleet f : fleets) {
        if (wave.selects(f)) {
          String earlier = waveOf.putIfAbsent(f.name(), wave.name());
          if (earlier != null) {
            throw new InvalidSpecException("waves[" + w + "]", "fleet " + f.name()
                + " is in wave " + earlier + " and in wave " + wave.name() + "; a fleet is"
                + " patched in one wave only");
          }
        }
      }
    }
    int total = fleets.stream().mapToInt(CampaignFleet::capacity).sum();
    int budget = budget(total, maxExposure);
    for (String fleet : affected(fleets, change)) {
      if (!waveOf.containsKey(fleet)) {
        throw new InvalidSpecException("waves", "fleet " + fleet + " is built on base "
            + change.from().version() + " but in no wave; add it to a wave");
      }
      int capacity = byName.get(fleet).capacity();
      if (capacity > budget) {
        throw new InvalidSpecException("maxExposure", maxExposure + "% of the total capacity "
            + total + " allows " + budget + " instance(s) at once, but fleet " + fleet + " alone"
            + " has " + capacity + ": it could never start. Raise maxExposure to at least "
            + (int) Math.ceil(capacity * 100.0 / total) + "%");
      }
    }
  }

  private static List<String> affected(List<CampaignFleet> fleets, BaseChange change) {
    ImageCatalog catalog = ImageCatalog.empty();
    for (CampaignFleet f : fleets) {
      catalog = catalog.with(f.name(), f.rollout().target());
    }
    return catalog.fleetsUsing(change.from());
  }

  private static int budget(int total, int percent) {
    return (int) Math.floor(total * percent / 100.0);
  }

  /**
   * Starts a builder.
   *
   * @param name the campaign's name
   * @param change the base change
   * @return a builder with the defaults; fleets and waves must be added
   */
  public static Builder builder(String name, BaseChange change) {
    return new Builder(name, change);
  }

  /** @return the fleets' declared launch specs, for lineage questions */
  public ImageCatalog catalog() {
    ImageCatalog catalog = ImageCatalog.empty();
    for (CampaignFleet f : fleets) {
      catalog = catalog.with(f.name(), f.rollout().target());
    }
    return catalog;
  }

  /** @return the fleets built on {@code change.from()} (or running it), in name order */
  public List<String> affected() {
    return affected(fleets, change);
  }

  /**
   * The affected fleets of each wave, in the waves' order; inside a wave in the order the wave
   * lists them, or for a label selector in the order of {@link #fleets()}.
   *
   * @return one list per wave (possibly empty)
   */
  public List<List<CampaignFleet>> waveFleets() {
    Set<String> affected = new HashSet<>(affected());
    Map<String, CampaignFleet> byName = new LinkedHashMap<>();
    fleets.forEach(f -> byName.put(f.name(), f));
    List<List<CampaignFleet>> out = new ArrayList<>();
    for (Wave wave : waves) {
      List<CampaignFleet> members = wave.fleets().isEmpty()
          ? fleets.stream().filter(wave::selects).toList()
          : wave.fleets().stream().map(byName::get).toList();
      out.add(members.stream().filter(f -> affected.contains(f.name())).toList());
    }
    return out;
  }

  /** @return the serving capacity of all fleets: what {@code maxExposure} is a share of */
  public int totalCapacity() {
    return fleets.stream().mapToInt(CampaignFleet::capacity).sum();
  }

  /** @return the instances that may run an unproven revision at once: the budget, rounded down */
  public int exposureBudget() {
    return budget(totalCapacity(), maxExposure);
  }

  /** @return how many fleets may fail before the campaign halts */
  public int failureLimit() {
    return maxFailures.roundDown(affected().size());
  }

  /** Builds a {@link CampaignSpec}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final BaseChange change;
    private final List<CampaignFleet> fleets = new ArrayList<>();
    private final List<Wave> waves = new ArrayList<>();
    private int maxExposure = 100;
    private Amount maxFailures = Amount.of(0);
    private boolean rollBackOnHalt;
    private DeploymentWindows windows = DeploymentWindows.always();
    private WindowEnd windowEnd = WindowEnd.FINISH;

    private Builder(String name, BaseChange change) {
      this.name = name;
      this.change = change;
    }

    /** Adds a fleet. @return this builder */
    public Builder fleet(CampaignFleet fleet) {
      fleets.add(fleet);
      return this;
    }

    /** Adds a wave, after those added before. @return this builder */
    public Builder wave(Wave wave) {
      waves.add(wave);
      return this;
    }

    /** Sets the exposure budget, a percentage in 1..100. @return this builder */
    public Builder maxExposure(int percent) {
      maxExposure = percent;
      return this;
    }

    /** Sets the failures tolerated, a count or a percentage. @return this builder */
    public Builder maxFailures(Amount failures) {
      maxFailures = failures;
      return this;
    }

    /** Sets whether a halt rolls the changed fleets back. @return this builder */
    public Builder rollBackOnHalt(boolean rollBack) {
      rollBackOnHalt = rollBack;
      return this;
    }

    /** Sets when fleets may start. @return this builder */
    public Builder windows(DeploymentWindows allowed) {
      windows = allowed;
      return this;
    }

    /** Sets what a fleet's rollout does at its window's end. @return this builder */
    public Builder windowEnd(WindowEnd end) {
      windowEnd = end;
      return this;
    }

    /**
     * @return the validated spec
     * @throws InvalidSpecException naming the first invalid field
     */
    public CampaignSpec build() {
      return new CampaignSpec(name, change, fleets, waves, maxExposure, maxFailures,
          rollBackOnHalt, windows, windowEnd);
    }
  }
}
