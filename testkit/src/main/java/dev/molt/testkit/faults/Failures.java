package dev.molt.testkit.faults;

import dev.molt.Revision;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignListener;
import dev.molt.engine.RolloutListener;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fleets of a campaign that failed, from their rollouts rather than from the campaign's own
 * account: a fleet failed when its rollout toward its rebuilt revision ended other than
 * SUCCEEDED. Remembers how many had failed when the campaign halted. Thread-safe.
 */
final class Failures implements RolloutListener, CampaignListener {
  private final Map<String, Revision> rebuilt = new HashMap<>();
  private final Set<String> failed = new TreeSet<>();
  private int atHalt = -1;

  Failures(Map<String, RolloutSpec> rollouts) {
    rollouts.forEach((fleet, spec) -> rebuilt.put(fleet, spec.target().revision()));
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (rollout.isDone() && rollout.to().equals(rebuilt.get(rollout.fleet()))
        && rollout.phase() != RolloutPhase.SUCCEEDED) {
      failed.add(rollout.fleet());
    }
  }

  @Override
  public synchronized void onEvent(Campaign campaign, CampaignEvent event) {
    if (event.type() == CampaignEvent.Type.HALTED && atHalt < 0) {
      atHalt = failed.size();
    }
  }

  /** @return the fleets whose rollout failed so far */
  synchronized Set<String> failed() {
    return Set.copyOf(failed);
  }

  /** @return how many fleets had failed when the campaign halted; -1 if it did not */
  synchronized int atHalt() {
    return atHalt;
  }
}
