package dev.molt.testkit.faults;

import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignPhase;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of one {@link CampaignSchedule}.
 *
 * @param schedule what ran
 * @param end the campaign's final snapshot; empty if it did not end (itself a violation)
 * @param violations every invariant breach, empty if none
 */
public record CampaignOutcome(CampaignSchedule schedule, Optional<Campaign> end,
    List<String> violations) {

  /** Copies the violations. */
  public CampaignOutcome {
    violations = List.copyOf(violations);
  }

  /** @return {@code completed}, {@code halted} or {@code unfinished}, as the counts name it */
  public String ending() {
    return end.map(Campaign::phase).map(p -> p == CampaignPhase.SUCCEEDED ? "completed"
        : p.name().toLowerCase(Locale.ROOT)).orElse("unfinished");
  }

  /** @return the outcome in the campaign's common form */
  public FaultCampaign.Report report() {
    return new FaultCampaign.Report(schedule.seed(), CampaignSchedule.STRATEGY,
        schedule.toString(), schedule.classes(), ending(), false, violations);
  }
}
