package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.rollout.RolloutSpec;
import java.util.Map;

/**
 * One fleet a campaign may patch: the rollout it is declared with now (its fleet name, capacity,
 * strategy, failure policy, and as target the launch spec it runs), its labels for wave
 * selectors, and the engine that drives it. The campaign rolls {@code rollout} with the rebuilt
 * target, so each fleet keeps its own strategy.
 *
 * @param rollout the fleet's rollout as declared now; its target is the current launch spec
 * @param labels labels that wave selectors match, such as {@code tier=prod}
 * @param engine the name of the engine (given to {@link Campaigns.Builder#engine(String,
 *     dev.molt.engine.RolloutEngine)}) whose provider runs the fleet
 */
public record CampaignFleet(RolloutSpec rollout, Map<String, String> labels, String engine) {

  /** The engine name {@link Campaigns.Builder#engine(dev.molt.engine.RolloutEngine)} uses. */
  public static final String DEFAULT_ENGINE = "default";

  /**
   * Validates and copies the fields.
   *
   * @throws InvalidSpecException naming a null or blank field
   */
  public CampaignFleet {
    Arguments.required(rollout, "rollout");
    labels = Arguments.copyOf(labels, "labels");
    Arguments.notBlank(engine, "engine");
  }

  /**
   * A fleet on the default engine.
   *
   * @param rollout the fleet's rollout as declared now
   * @param labels its labels
   * @return the fleet
   */
  public static CampaignFleet of(RolloutSpec rollout, Map<String, String> labels) {
    return new CampaignFleet(rollout, labels, DEFAULT_ENGINE);
  }

  /** @return a copy driven by the engine named {@code name} */
  public CampaignFleet onEngine(String name) {
    return new CampaignFleet(rollout, labels, name);
  }

  /** @return the fleet name */
  public String name() {
    return rollout.fleet();
  }

  /** @return the fleet's desired capacity: what it counts for in the exposure budget */
  public int capacity() {
    return rollout.capacity();
  }
}
