package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.gate.Analysis;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One wave of a campaign: which fleets (those whose labels match {@code matchLabels}, or the
 * {@code fleets} listed), how many may roll at once, how long the wave bakes once all of its
 * fleets ended, what is measured at the end of the bake, and whether a person must approve the
 * wave before it starts. Exactly one of {@code matchLabels} and {@code fleets} is non-empty.
 *
 * @param name the wave's name, for events and plans
 * @param matchLabels a fleet belongs to the wave when it carries every one of these labels
 * @param fleets the fleets of the wave, by name, in the order they start
 * @param maxConcurrentFleets how many of the wave's fleets roll at once, at least 1 (default 1)
 * @param bake how long the campaign waits after the wave's last fleet ended (default 0)
 * @param gates measured on every fleet of the wave that succeeded, once the bake is over, through
 *     the gate API (the new revision is the canary, the old one the baseline); a verdict other
 *     than PASS halts the campaign (default none)
 * @param approval whether the wave waits for {@link CampaignHandle#approve()} before it starts
 *     (default false)
 */
public record Wave(String name, Map<String, String> matchLabels, List<String> fleets,
    int maxConcurrentFleets, Duration bake, List<Analysis> gates, boolean approval) {

  /**
   * Validates and copies the fields.
   *
   * @throws InvalidSpecException naming the field that is wrong
   */
  public Wave {
    Arguments.notBlank(name, "name");
    matchLabels = Arguments.copyOf(matchLabels, "matchLabels");
    fleets = Arguments.copyOf(fleets, "fleets");
    if (matchLabels.isEmpty() == fleets.isEmpty()) {
      throw new InvalidSpecException("fleets", "wave " + name + " must choose its fleets either"
          + " by matchLabels or by a list of fleets, exactly one of the two; it has "
          + (fleets.isEmpty() ? "neither" : "both"));
    }
    if (fleets.stream().distinct().count() != fleets.size()) {
      throw new InvalidSpecException("fleets", "wave " + name + " lists a fleet twice: " + fleets);
    }
    Arguments.positive(maxConcurrentFleets, "maxConcurrentFleets");
    Arguments.nonNegative(bake, "bake");
    gates = Arguments.copyOf(gates, "gates");
  }

  /**
   * A wave of the fleets carrying all of {@code labels}: one at a time, no bake, no gate, no
   * approval.
   *
   * @param name the wave's name
   * @param labels the selector, such as {@code Map.of("tier", "dev")}
   * @return the wave
   */
  public static Wave matching(String name, Map<String, String> labels) {
    return new Wave(name, labels, List.of(), 1, Duration.ZERO, List.of(), false);
  }

  /**
   * A wave of the fleets named: one at a time, no bake, no gate, no approval.
   *
   * @param name the wave's name
   * @param fleets the fleet names
   * @return the wave
   */
  public static Wave of(String name, String... fleets) {
    return new Wave(name, Map.of(), List.of(fleets), 1, Duration.ZERO, List.of(), false);
  }

  /** @return a copy rolling at most {@code n} fleets at once */
  public Wave withMaxConcurrentFleets(int n) {
    return new Wave(name, matchLabels, fleets, n, bake, gates, approval);
  }

  /** @return a copy baking {@code time} after its last fleet ended, then measuring {@code gates} */
  public Wave withBake(Duration time, Analysis... measured) {
    return new Wave(name, matchLabels, fleets, maxConcurrentFleets, time,
        List.of(Arguments.required(measured, "gates")), approval);
  }

  /** @return a copy that waits for {@link CampaignHandle#approve()} before it starts */
  public Wave withApproval() {
    return new Wave(name, matchLabels, fleets, maxConcurrentFleets, bake, gates, true);
  }

  /**
   * @param fleet a campaign fleet
   * @return whether this wave selects it
   */
  public boolean selects(CampaignFleet fleet) {
    return fleets.isEmpty()
        ? matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(
            fleet.labels().get(e.getKey())))
        : fleets.contains(fleet.name());
  }
}
