package dev.molt.kubernetes.store;

import dev.molt.store.Lease;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The campaigns' ConfigMaps, one per campaign ({@code molt-campaign-<id>-<hash>}): the saved
 * state under data key {@value #STATE}, kept as the campaign package wrote it; the exact id, name
 * and lease name as annotations ({@value StoreObjects#CAMPAIGN_ID}, {@value
 * StoreObjects#CAMPAIGN_NAME}, {@value StoreObjects#FLEET}); labels to list them by ({@value
 * StoreObjects#FINISHED}, the campaign's and the lease's keys). Fenced by the campaign's lease
 * exactly as a rollout record is by its fleet's ({@link FencedMaps}).
 */
final class CampaignObjects {
  static final String STATE = "state";

  private final FencedMaps maps;

  CampaignObjects(FencedMaps maps) {
    this.maps = maps;
  }

  /** @return what is stored under {@code campaignId}, if anything (a tombstone is nothing) */
  Optional<SavedCampaign> load(String campaignId) {
    return maps.read(StoreObjects.campaignName(campaignId)).flatMap(CampaignObjects::saved)
        .filter(c -> c.id().equals(campaignId));
  }

  /** @return the campaigns that did not end, by id */
  List<SavedCampaign> unfinished() {
    return maps.list("list unfinished campaigns", StoreObjects.CAMPAIGN,
        Map.of(StoreObjects.FINISHED, "false")).stream()
        .flatMap(o -> saved(o).stream()).filter(c -> !c.finished())
        .sorted(Comparator.comparing(SavedCampaign::id)).toList();
  }

  /**
   * Refuses, before anything is written or listed on a lease, to replace a campaign of the same id
   * fenced by another lease (another campaign that drew the same id), a tombstone included.
   */
  void requireSameLease(SavedCampaign next) {
    maps.read(StoreObjects.campaignName(next.id())).ifPresent(o -> maps.requireLease(o,
        next.lease(), "save campaign " + next.id())); // a tombstone says its lease too
  }

  /**
   * One attempt to write {@code campaign} under {@code writer}, whose lease was just admitted:
   * read the object, refuse if it holds another campaign (the lease and the fence are checked
   * by {@link FencedMaps#write}), write it guarded by the resourceVersion read (or create it).
   */
  FencedMaps.Outcome write(Lease writer, SavedCampaign campaign) {
    String name = StoreObjects.campaignName(campaign.id());
    Optional<ConfigMap> found = maps.read(name);
    Optional<String> id = found.flatMap(o -> StoreObjects.annotation(o,
        StoreObjects.CAMPAIGN_ID));
    if (id.isPresent() && !id.get().equals(campaign.id())) {
      throw new StoreException("refused to save campaign " + campaign.id() + ": ConfigMap "
          + name + " holds campaign " + id.get() + " (their names' hashes collide)");
    }
    ConfigMap wanted = new ConfigMap();
    wanted.setMetadata(StoreObjects.meta(name, StoreObjects.CAMPAIGN, Map.of(
        StoreObjects.CAMPAIGN_KEY, StoreObjects.key(campaign.id()),
        StoreObjects.FLEET_KEY, StoreObjects.key(campaign.lease()),
        StoreObjects.FINISHED, Boolean.toString(campaign.finished())), Map.of(
        StoreObjects.CAMPAIGN_ID, campaign.id(), StoreObjects.CAMPAIGN_NAME, campaign.name(),
        StoreObjects.FLEET, campaign.lease())));
    wanted.setData(Map.of(STATE, campaign.state()));
    return maps.write(writer, found, wanted, "save campaign " + campaign.id());
  }

  /** @return the campaign an object holds; empty for a tombstone */
  private static Optional<SavedCampaign> saved(ConfigMap object) {
    Optional<String> state = Optional.ofNullable(object.getData()).map(d -> d.get(STATE));
    Optional<String> id = StoreObjects.annotation(object, StoreObjects.CAMPAIGN_ID);
    Optional<String> name = StoreObjects.annotation(object, StoreObjects.CAMPAIGN_NAME);
    Optional<String> lease = StoreObjects.annotation(object, StoreObjects.FLEET);
    if (state.isEmpty() || id.isEmpty() || name.isEmpty() || lease.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SavedCampaign(id.get(), name.get(), lease.get(),
        Boolean.parseBoolean(object.getMetadata().getLabels().get(StoreObjects.FINISHED)),
        state.get()));
  }
}
