package dev.molt.store;

import dev.molt.Arguments;

/**
 * A patch-wave campaign's state as a {@link RolloutStore} keeps it: the campaign's latest snapshot
 * ({@code dev.molt.campaign.Campaign}) as JSON text, written and read by the campaign package,
 * with the few fields a store indexes. A store keeps the text as it
 * is; it never parses it.
 *
 * @param id the campaign id, such as {@code ca-1a2b3c4d}
 * @param name the campaign's name: at most one unfinished campaign per name is driven at a time
 * @param lease the name of the lease that fences its writers ({@link Lease#fleet()}): every save
 *     must be made under the newest lease of that name
 * @param finished whether the campaign ended
 * @param state the snapshot as JSON
 */
public record SavedCampaign(String id, String name, String lease, boolean finished,
    String state) {

  /** Validates the fields. */
  public SavedCampaign {
    Arguments.notBlank(id, "id");
    Arguments.notBlank(name, "name");
    Arguments.notBlank(lease, "lease");
    Arguments.notBlank(state, "state");
  }

  /**
   * Refuses to replace a campaign stored under another lease name (another campaign that drew the
   * same id). Public for stores in other modules.
   *
   * @param stored what the store holds under the id, if anything
   * @param next what is to be saved
   * @throws StoreException if {@code stored} is fenced by another lease
   */
  public static void requireSameLease(java.util.Optional<SavedCampaign> stored,
      SavedCampaign next) {
    if (stored.isPresent() && !stored.get().lease().equals(next.lease())) {
      throw new StoreException("refused to save campaign " + next.id() + " under the lease "
          + next.lease() + ": the store holds a campaign of that id fenced by the lease "
          + stored.get().lease() + " (campaign " + stored.get().name() + ")");
    }
  }

  /**
   * Checks the lease a store was given with this campaign. Public for stores in other modules.
   *
   * @param writer the lease a store was given with this campaign
   * @throws dev.molt.InvalidSpecException if it is for another name than {@link #lease}
   */
  public void requireWriter(Lease writer) {
    Arguments.required(writer, "writer");
    if (!writer.fleet().equals(lease)) {
      throw new dev.molt.InvalidSpecException("writer", "is the lease of " + writer.fleet()
          + " but campaign " + id + " is fenced by the lease " + lease);
    }
  }
}
