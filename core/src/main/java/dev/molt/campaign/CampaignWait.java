package dev.molt.campaign;

import dev.molt.Arguments;
import java.time.Instant;
import java.util.Optional;

/**
 * What a campaign waits for, typed, as {@link dev.molt.rollout.Wait} is for a rollout: {@link
 * Campaign#waiting()} has one while the campaign waits between waves.
 *
 * @param reason the kind of wait
 * @param wave the wave it concerns
 * @param detail a readable description
 * @param until when the wait ends by itself, for a bake
 */
public record CampaignWait(Reason reason, String wave, String detail, Optional<Instant> until) {

  /** Validates the fields. */
  public CampaignWait {
    Arguments.required(reason, "reason");
    Arguments.notBlank(wave, "wave");
    Arguments.notBlank(detail, "detail");
    Arguments.optional(until, "until");
  }

  /** The kinds of waits. */
  public enum Reason {
    /** The next wave needs {@link CampaignHandle#approve()}. */
    AWAITING_APPROVAL,
    /** The wave that just ended bakes until {@link #until()}. */
    BAKING,
    /** The wave's bake gates are being measured. */
    MEASURING_GATES,
    /** Fleets wait to start: outside the deployment windows, or in a freeze, until {@link #until()}. */
    OUTSIDE_WINDOW;

    /** @return whether only a person (a control call) ends this wait */
    public boolean needsPerson() {
      return this == AWAITING_APPROVAL;
    }
  }

  /** @return {@code REASON wave: detail} */
  @Override
  public String toString() {
    return reason + " " + wave + ": " + detail + until.map(u -> " (until " + u + ")").orElse("");
  }
}
