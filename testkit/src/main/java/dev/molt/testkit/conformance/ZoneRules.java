package dev.molt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The zone clauses of the {@link ProviderContract}: a provider that places by zone ({@link
 * ProviderContract#placementZones()} not empty) puts each launch there; one that does not ignores
 * the zone, as {@link LaunchRequest#zone()} allows, and launches anyway. Kept apart so the contract's own file stays
 * small; every check goes through the contract's provider and its {@link
 * ProviderContract#launchAll}.
 */
final class ZoneRules {
  /** The zone asked of a provider that does not place by zone. */
  static final String UNPLACED = "zone-molt-cannot-place";

  private ZoneRules() {}

  /**
   * A provider that does not place by zone launches a zoned request anyway (wherever it places
   * instances), never refuses it, and the same request again launches nothing more.
   */
  static void aZoneItCannotPlaceByIsIgnored(ProviderContract kit) {
    Provider provider = kit.provider();
    String fleet = kit.newFleet();
    LaunchRequest request = new LaunchRequest(fleet, kit.launchSpec(), 2, "ro-contract",
        "ro-contract-z-ignored").inZone(UNPLACED);
    List<Instance> made = kit.launchAll(request);
    assertThat(made).as("%s, which does not place by zone, launches a zoned request",
        provider.name()).hasSize(2);
    List<String> ids = made.stream().map(Instance::id).toList();
    assertThat(provider.launch(request)).as("the same zoned request launches nothing more")
        .extracting(Instance::id).isSubsetOf(ids);
    assertThat(provider.observe(fleet)).extracting(Instance::id)
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  /**
   * Each zone in turn: a launch of 2 asked for it reports that zone on every instance, in what
   * launch names and in what observe shows, and the same request again launches nothing more.
   */
  static void eachLaunchLandsInTheZoneAskedFor(ProviderContract kit, List<String> zones) {
    Provider provider = kit.provider();
    String fleet = kit.newFleet();
    for (String zone : zones) {
      LaunchRequest request = new LaunchRequest(fleet, kit.launchSpec(), 2, "ro-contract",
          "ro-contract-z-" + zone).inZone(zone);
      List<Instance> made = kit.launchAll(request);
      assertThat(made).as("%s's launch asked for zone %s", provider.name(), zone).hasSize(2)
          .allSatisfy(i -> assertThat(i.labels()).as("labels of %s", i.id())
              .containsEntry(OwnerLabels.ZONE, zone));
      List<String> ids = made.stream().map(Instance::id).toList();
      assertThat(provider.launch(request)).as("the same zoned request launches nothing more")
          .extracting(Instance::id).isSubsetOf(ids);
      assertThat(provider.observe(fleet)).filteredOn(i -> ids.contains(i.id()))
          .as("observed in zone %s", zone).hasSize(2)
          .allSatisfy(i -> assertThat(i.labels()).as("labels of %s", i.id())
              .containsEntry(OwnerLabels.ZONE, zone));
    }
    assertThat(byZone(provider.observe(fleet))).as("the fleet, by zone")
        .containsOnlyKeys(zones).allSatisfy((zone, n) -> assertThat(n).isEqualTo(2));
  }

  /**
   * A launch without a zone, beside a zoned one of the same revision, still launches its
   * instances (placed wherever the provider chooses), and the zoned ones keep their zone.
   */
  static void anUnzonedLaunchStillWorksBesideAZonedOne(ProviderContract kit, String zone,
      boolean placed) {
    Provider provider = kit.provider();
    String fleet = kit.newFleet();
    List<Instance> zoned = kit.launchAll(new LaunchRequest(fleet, kit.launchSpec(), 1,
        "ro-contract", "ro-contract-z-1").inZone(zone));
    List<Instance> unzoned = kit.launchAll(new LaunchRequest(fleet, kit.launchSpec(), 2,
        "ro-contract", "ro-contract-z-2"));

    assertThat(unzoned).as("%s's unzoned launch", provider.name()).hasSize(2);
    List<Instance> seen = provider.observe(fleet);
    assertThat(seen).extracting(Instance::id).containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(zoned.stream(), unzoned.stream()).map(Instance::id)
            .toList());
    if (placed) {
      assertThat(seen).filteredOn(i -> i.id().equals(zoned.get(0).id())).singleElement()
          .satisfies(i -> assertThat(i.labels()).containsEntry(OwnerLabels.ZONE, zone));
    }
  }

  private static Map<String, Integer> byZone(List<Instance> instances) {
    Map<String, Integer> out = new TreeMap<>();
    instances.forEach(i -> out.merge(i.labels().getOrDefault(OwnerLabels.ZONE, "(none)"), 1,
        Integer::sum));
    return out;
  }
}
