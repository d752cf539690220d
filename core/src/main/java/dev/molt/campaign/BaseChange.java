package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Image;
import dev.molt.InvalidSpecException;

/**
 * A base-image change: every fleet whose image is {@code from} or was built on it (directly or
 * through intermediate images, see {@link Image#isBuiltOn}) is to be rebuilt on {@code to}. Both
 * images are pinned, as every {@link Image} is.
 *
 * @param from the old base
 * @param to the new base
 */
public record BaseChange(Image from, Image to) {

  /**
   * Validates the fields.
   *
   * @throws InvalidSpecException if an image is null or both have the same reference
   */
  public BaseChange {
    Arguments.required(from, "change.from");
    Arguments.required(to, "change.to");
    if (from.reference().equals(to.reference())) {
      throw new InvalidSpecException("change.to", "is the same image as change.from ("
          + from.reference() + "): a patch needs a new pinned base");
    }
  }

  /** @return {@code from-version -> to-version} */
  @Override
  public String toString() {
    return from.version() + " -> " + to.version();
  }
}
