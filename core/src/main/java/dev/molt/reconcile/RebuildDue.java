package dev.molt.reconcile;

import dev.molt.Image;
import dev.molt.Arguments;

/**
 * A fleet an {@link ImageAgePolicy} says must be rebuilt and redeployed.
 *
 * @param fleet the fleet name
 * @param image the image the fleet is declared to run
 * @param outdated the image in its lineage that broke the policy: {@code image} itself or one of
 *     its bases
 * @param reason a readable explanation with the build time, the age and the limit
 */
public record RebuildDue(String fleet, Image image, Image outdated, String reason) {

  /** Validates the fields. */
  public RebuildDue {
    Arguments.notBlank(fleet, "fleet");
    Arguments.required(image, "image");
    Arguments.required(outdated, "outdated");
    Arguments.notBlank(reason, "reason");
  }
}
