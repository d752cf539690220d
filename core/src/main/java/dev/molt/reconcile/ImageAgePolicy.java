package dev.molt.reconcile;

import dev.molt.Durations;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.Arguments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A patch cadence: no fleet may run an image older than {@code maxAge}. An image is as old as the
 * oldest build in its lineage, because an application rebuilt yesterday on a base built a year ago
 * still ships a year-old operating system; so the image and each of its {@link Image#base() bases}
 * are checked, and the first one (nearest the fleet) built before {@code now - maxAge} makes the
 * fleet due. An image exactly {@code maxAge} old is not yet due.
 *
 * <p>A fleet whose own image has no {@link Image#builtAt() build time} cannot be proven fresh: it is
 * due when {@code flagUnknownAge} is true (the default), and skipped otherwise. Bases without a build
 * time are skipped. Immutable and thread-safe.
 *
 * @param maxAge the longest time since a build, positive
 * @param flagUnknownAge whether a fleet whose image has no build time is due
 */
public record ImageAgePolicy(Duration maxAge, boolean flagUnknownAge) {

  /** Validates the fields. */
  public ImageAgePolicy {
    Arguments.positive(maxAge, "maxAge");
  }

  /**
   * A policy that also flags images of unknown age.
   *
   * @param maxAge the longest time since a build, positive
   * @return the policy
   * @throws dev.molt.InvalidSpecException if {@code maxAge} is not positive
   */
  public static ImageAgePolicy maxAge(Duration maxAge) {
    return new ImageAgePolicy(maxAge, true);
  }

  /**
   * Lists the fleets due for a rebuild and redeploy.
   *
   * @param catalog the fleets and their declared specs
   * @param clock the clock to judge ages by (the engine's, or a virtual one)
   * @return the due fleets in name order, each with its reason; empty if none
   */
  public List<RebuildDue> due(ImageCatalog catalog, Clock clock) {
    Arguments.required(catalog, "catalog");
    Instant now = Arguments.required(clock, "clock").instant();
    List<RebuildDue> out = new ArrayList<>();
    for (Map.Entry<String, LaunchSpec> e : catalog.fleets().entrySet()) {
      check(e.getKey(), e.getValue().image(), now).ifPresent(out::add);
    }
    return out;
  }

  private Optional<RebuildDue> check(String fleet, Image image, Instant now) {
    if (image.builtAt().isEmpty() && flagUnknownAge) {
      return Optional.of(new RebuildDue(fleet, image, image, "image " + name(image)
          + " has no build time, so it cannot be shown to be younger than "
          + Durations.text(maxAge)));
    }
    Instant oldestAllowed = now.minus(maxAge);
    for (Optional<Image> layer = Optional.of(image); layer.isPresent();
        layer = layer.get().base()) {
      Image l = layer.get();
      if (l.builtAt().isPresent() && l.builtAt().get().isBefore(oldestAllowed)) {
        String which = l == image ? "image " : "its base ";
        return Optional.of(new RebuildDue(fleet, image, l, which + name(l) + " was built at "
            + l.builtAt().get() + ", " + Durations.text(Duration.between(l.builtAt().get(), now))
            + " ago, older than the max age " + Durations.text(maxAge)));
      }
    }
    return Optional.empty();
  }

  private static String name(Image image) {
    return image.version() + " (" + image.reference() + ")";
  }
}
