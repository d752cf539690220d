package dev.molt.campaign;

import dev.molt.Arguments;
import java.time.Instant;
import java.util.Optional;

/**
 * Something that happened to a campaign. The fleets' own rollouts record their own events; these
 * are the campaign's.
 *
 * @param at when, by the campaign's clock
 * @param type what kind of event
 * @param wave the wave it concerns, if any
 * @param fleet the fleet it concerns, if any
 * @param detail a readable description
 */
public record CampaignEvent(Instant at, Type type, Optional<String> wave, Optional<String> fleet,
    String detail) {

  /** Validates the fields. */
  public CampaignEvent {
    Arguments.required(at, "at");
    Arguments.required(type, "type");
    Arguments.optional(wave, "wave");
    Arguments.optional(fleet, "fleet");
    Arguments.notBlank(detail, "detail");
  }

  /** The kinds of events. */
  public enum Type {
    /** The campaign started. */
    STARTED,
    /** A wave waits for approval. */
    AWAITING_APPROVAL,
    /** A wave was approved. */
    APPROVED,
    /** A wave's fleets wait for a deployment window. */
    OUTSIDE_WINDOW,
    /** A wave started. */
    WAVE_STARTED,
    /** A fleet's rebuild started. */
    FLEET_REBUILDING,
    /** A fleet's rollout started. */
    FLEET_STARTED,
    /** A fleet's rollout ended, or the fleet failed without one. */
    FLEET_ENDED,
    /** A wave's fleets all ended; its bake starts (if any). */
    WAVE_ENDED,
    /** A wave's bake gates were judged. */
    GATES_JUDGED,
    /** A person paused the campaign. */
    PAUSED,
    /** A person resumed it. */
    RESUMED,
    /** The campaign halted. */
    HALTED,
    /** A halting campaign aborted or reverted a fleet. */
    FLEET_REVERTING,
    /** The campaign ended. */
    ENDED,
    /** A process resumed the campaign from its store after the one that drove it stopped. */
    RECOVERED
  }

  /** @return {@code TYPE wave fleet: detail} */
  @Override
  public String toString() {
    return type + wave.map(w -> " wave=" + w).orElse("") + fleet.map(f -> " fleet=" + f)
        .orElse("") + ": " + detail;
  }
}
