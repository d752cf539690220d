package dev.molt.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.store.Lease;
import dev.molt.store.RolloutStore;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The {@link RolloutStoreContract}'s rules for campaigns ({@link RolloutStore#saveCampaign}): a
 * store that keeps them keeps each as saved last, fenced by its lease as rollout records are, and
 * lists the unfinished ones; a store that does not says so and refuses to save one.
 */
final class CampaignRules {
  private final RolloutStore store;
  private final UnaryOperator<RolloutStore> openAgain;
  private final Instant t0;
  private final Duration ttl;

  CampaignRules(RolloutStore store, UnaryOperator<RolloutStore> openAgain, Instant t0,
      Duration ttl) {
    this.store = store;
    this.openAgain = openAgain;
    this.t0 = t0;
    this.ttl = ttl;
  }

  static SavedCampaign campaign(String id, String lease, boolean finished, String state) {
    return new SavedCampaign(id, "patch-" + id, lease, finished, state);
  }

  void keepsTheLastSaveAndListsTheUnfinished() {
    Lease lease = store.acquire("campaign-a", "process-a", t0, ttl);
    if (!store.keepsCampaigns()) {
      assertThatThrownBy(() -> store.saveCampaign(lease, campaign("ca-1", "campaign-a", false,
          "{}"))).isInstanceOf(StoreException.class).hasMessageContaining("campaigns");
      assertThat(store.unfinishedCampaigns()).isEmpty();
      assertThat(store.campaign("ca-1")).isEmpty();
      return;
    }
    // awkward text, as a snapshot's history has: quotes, newlines, non-ASCII, a large size
    String state = "{\"detail\":\"wave \\\"prod\\\" \\n é 🚀\",\"pad\":\"" + "x".repeat(200_000)
        + "\"}";
    SavedCampaign first = campaign("ca-1", "campaign-a", false, state);
    store.saveCampaign(lease, first);
    Lease other = store.acquire("campaign-b", "process-a", t0, ttl);
    SavedCampaign ended = campaign("ca-2", "campaign-b", true, "{\"phase\":\"SUCCEEDED\"}");
    store.saveCampaign(other, ended);

    assertThat(store.campaign("ca-1")).contains(first);
    assertThat(openAgain.apply(store).campaign("ca-2")).as("through another handle")
        .contains(ended);
    assertThat(store.campaign("ca-missing")).isEmpty();
    assertThat(store.unfinishedCampaigns()).containsExactly(first);

    SavedCampaign later = campaign("ca-1", "campaign-a", true, "{\"phase\":\"HALTED\"}");
    store.saveCampaign(lease, later);
    assertThat(store.campaign("ca-1")).contains(later);
    assertThat(openAgain.apply(store).unfinishedCampaigns()).isEmpty();
  }

  void refusesAStaleOrForeignWriter() {
    if (!store.keepsCampaigns()) {
      return; // nothing is ever written: keepsTheLastSaveAndListsTheUnfinished checks the refusal
    }
    Lease old = store.acquire("campaign-a", "process-a", t0, ttl);
    SavedCampaign before = campaign("ca-1", "campaign-a", false, "{\"wave\":1}");
    store.saveCampaign(old, before);
    Lease current = openAgain.apply(store).acquire("campaign-a", "process-b",
        t0.plus(ttl).plusSeconds(1), ttl);

    assertThatThrownBy(() -> store.saveCampaign(old, campaign("ca-1", "campaign-a", false,
        "{\"wave\":2}"))).isInstanceOf(StaleLeaseException.class)
        .hasMessageContaining("process-b");
    assertThatThrownBy(() -> store.saveCampaign(current, campaign("ca-1", "campaign-other",
        false, "{\"wave\":2}"))).as("the lease of another name")
        .isInstanceOf(InvalidSpecException.class);
    assertThat(store.campaign("ca-1")).contains(before);

    SavedCampaign resumed = campaign("ca-1", "campaign-a", false, "{\"wave\":3}");
    store.saveCampaign(current, resumed);
    assertThat(store.campaign("ca-1")).contains(resumed);

    // another campaign that drew the same id, under its own (current) lease, replaces nothing
    Lease otherName = store.acquire("campaign-z", "process-z", t0, ttl);
    assertThatThrownBy(() -> store.saveCampaign(otherName, new SavedCampaign("ca-1", "patch-z",
        "campaign-z", false, "{\"other\":true}"))).isInstanceOf(StoreException.class)
        .isNotInstanceOf(StaleLeaseException.class);
    assertThat(store.campaign("ca-1")).contains(resumed);
    store.release(current);
    assertThatThrownBy(() -> store.saveCampaign(current, resumed)).as("a released lease")
        .isInstanceOf(StaleLeaseException.class);
  }
}
