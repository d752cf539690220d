package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Image;
import dev.molt.reconcile.ImageAgePolicy;
import dev.molt.reconcile.ImageCatalog;
import dev.molt.reconcile.RebuildDue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A patch cadence: which campaigns are due. A fleet is due when {@link ImageAgePolicy} says a
 * layer of its image (the image or one of its bases) is too old; the campaign that cures it
 * replaces that outdated layer by the newest of the {@code available} pinned images from the
 * same repository built after it. Fleets whose outdated layer has no newer image (their own
 * application image is old, or no newer base was published) are not in any campaign: they need a
 * plain rebuild, or a new base first. Immutable and thread-safe.
 *
 * <pre>{@code
 * PatchCadence cadence = new PatchCadence(ImageAgePolicy.maxAge(Duration.ofDays(30)),
 *     List.of(baseV2, runtimeV5));
 * for (PatchCadence.Due due : cadence.due(fleets, clock)) {
 *   campaigns.start(due.spec("patch-" + due.change().to().version())
 *       .wave(Wave.of("all", due.due().toArray(String[]::new))).maxExposure(25).build());
 * }
 * }</pre>
 *
 * @param policy the maximum age
 * @param available the pinned images a campaign may move to (new bases, new runtimes), with
 *     their build times
 */
public record PatchCadence(ImageAgePolicy policy, List<Image> available) {

  /** Validates and copies the fields. */
  public PatchCadence {
    Arguments.required(policy, "policy");
    available = Arguments.copyOf(available, "available");
  }

  /**
   * One due campaign: a base change and the fleets it cures.
   *
   * @param change the outdated layer and its newest replacement
   * @param due the fleets due that the change cures, in name order
   * @param reasons why each is due, as the policy says, in the same order
   * @param considered every fleet given to {@link #due}: the campaign's exposure budget is a share
   *     of their capacity (the fleets not built on the old layer are left alone)
   */
  public record Due(BaseChange change, List<String> due, List<String> reasons,
      List<CampaignFleet> considered) {
    /** Validates and copies the fields. */
    public Due {
      Arguments.required(change, "change");
      due = Arguments.copyOf(due, "due");
      reasons = Arguments.copyOf(reasons, "reasons");
      considered = Arguments.copyOf(considered, "considered");
    }

    /**
     * @param name the campaign's name
     * @return a spec builder with the change and the considered fleets; add the waves and limits
     */
    public CampaignSpec.Builder spec(String name) {
      CampaignSpec.Builder b = CampaignSpec.builder(name, change);
      considered.forEach(b::fleet);
      return b;
    }
  }

  /**
   * The campaigns due now.
   *
   * @param fleets the fleets to consider, with their current launch specs
   * @param clock the clock ages are judged by
   * @return one entry per (outdated layer, replacement), ordered by the outdated layer's
   *     reference; empty if nothing is due or nothing can cure it
   */
  public List<Due> due(List<CampaignFleet> fleets, Clock clock) {
    Arguments.copyOf(fleets, "fleets");
    Arguments.required(clock, "clock");
    ImageCatalog catalog = ImageCatalog.empty();
    for (CampaignFleet f : fleets) {
      catalog = catalog.with(f.name(), f.rollout().target());
    }
    Map<String, BaseChange> changes = new LinkedHashMap<>();
    Map<String, List<String>> names = new LinkedHashMap<>();
    Map<String, List<String>> why = new LinkedHashMap<>();
    for (RebuildDue d : policy.due(catalog, clock)) {
      if (d.outdated().reference().equals(d.image().reference())) {
        continue; // the fleet's own image is old: a rebuild, not a base campaign
      }
      Optional<Image> newer = newest(d.outdated());
      if (newer.isEmpty()) {
        continue;
      }
      String key = d.outdated().reference() + " " + newer.get().reference();
      changes.putIfAbsent(key, new BaseChange(d.outdated(), newer.get()));
      names.computeIfAbsent(key, k -> new ArrayList<>()).add(d.fleet());
      why.computeIfAbsent(key, k -> new ArrayList<>()).add(d.reason());
    }
    List<Due> out = new ArrayList<>();
    changes.keySet().stream().sorted().forEach(k -> out.add(new Due(changes.get(k), names.get(k),
        why.get(k), fleets)));
    return out;
  }

  private Optional<Image> newest(Image outdated) {
    Optional<Instant> built = outdated.builtAt();
    String repository = repository(outdated.reference());
    return available.stream()
        .filter(i -> repository.equals(repository(i.reference())))
        .filter(i -> !i.reference().equals(outdated.reference()))
        .filter(i -> i.builtAt().isPresent()
            && built.map(b -> i.builtAt().get().isAfter(b)).orElse(true))
        .max(Comparator.comparing(i -> i.builtAt().get()));
  }

  /** The repository of a digest reference; a machine image or image id is its own family. */
  private static String repository(String reference) {
    int at = reference.indexOf('@');
    return at > 0 ? reference.substring(0, at) : reference;
  }
}
