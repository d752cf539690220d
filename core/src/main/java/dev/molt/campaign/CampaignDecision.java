package dev.molt.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the planner decided: actions to perform now, and when to decide again if nothing else
 * happens first.
 *
 * @param actions in order; empty when the campaign waits
 * @param wakeAt when to decide again (the end of a bake)
 */
record CampaignDecision(List<CampaignAction> actions, Optional<Instant> wakeAt) {
  CampaignDecision {
    actions = List.copyOf(actions);
  }

  static CampaignDecision waitFor(Optional<Instant> wakeAt) {
    return new CampaignDecision(List.of(), wakeAt);
  }

  static CampaignDecision of(CampaignAction... actions) {
    return new CampaignDecision(List.of(actions), Optional.empty());
  }
}
