package dev.molt.reconcile;

import dev.molt.Image;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.Arguments;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which fleet is declared to run which launch spec: the index for image lineage questions such as
 * "a CVE was fixed in base X: which fleets must be rebuilt?". Images carry their lineage ({@link
 * Image#base()}), so a query walks each fleet's chain of bases. Immutable and thread-safe.
 *
 * <pre>{@code
 * ImageCatalog catalog = ImageCatalog.empty().with("web", webSpec).with("api", apiSpec);
 * List<String> due = catalog.fleetsBuiltOn(debianBase);  // ["api", "web"]
 * }</pre>
 *
 * @param fleets fleet name to its declared launch spec, in name order
 */
public record ImageCatalog(Map<String, LaunchSpec> fleets) {

  /** Validates and copies the map. */
  public ImageCatalog {
    Arguments.required(fleets, "fleets");
    TreeMap<String, LaunchSpec> copy = new TreeMap<>();
    fleets.forEach((fleet, spec) -> {
      if (fleet == null || fleet.isBlank()) {
        throw new InvalidSpecException("fleets", "has a null or blank fleet name");
      }
      copy.put(fleet, Arguments.required(spec, "fleets[" + fleet + "]"));
    });
    fleets = java.util.Collections.unmodifiableMap(copy);
  }

  /** @return a catalog with no fleets */
  public static ImageCatalog empty() {
    return new ImageCatalog(Map.of());
  }

  /**
   * Returns a catalog that also (or now) declares {@code spec} for {@code fleet}.
   *
   * @param fleet the fleet name
   * @param spec its declared launch spec
   * @return the new catalog
   */
  public ImageCatalog with(String fleet, LaunchSpec spec) {
    Map<String, LaunchSpec> copy = new TreeMap<>(fleets);
    copy.put(Arguments.notBlank(fleet, "fleet"), Arguments.required(spec, "spec"));
    return new ImageCatalog(copy);
  }

  /**
   * Returns a catalog that also holds the fleet a reconcile declares.
   *
   * @param spec a reconcile spec
   * @return the new catalog
   */
  public ImageCatalog with(ReconcileSpec spec) {
    return with(Arguments.required(spec, "spec").fleet(), spec.declared());
  }

  /**
   * The fleets whose declared image was built on {@code base}, directly or through intermediate
   * images (matched by pinned reference). A fleet running {@code base} itself is not built on it;
   * {@link #fleetsUsing} includes those too.
   *
   * @param base the base image
   * @return fleet names, in name order; empty if none
   */
  public List<String> fleetsBuiltOn(Image base) {
    Arguments.required(base, "base");
    return fleets.entrySet().stream().filter(e -> e.getValue().image().isBuiltOn(base))
        .map(Map.Entry::getKey).toList();
  }

  /**
   * The fleets that run {@code image} itself or an image built on it: everything a patched image
   * must reach.
   *
   * @param image the image
   * @return fleet names, in name order; empty if none
   */
  public List<String> fleetsUsing(Image image) {
    Arguments.required(image, "image");
    return fleets.entrySet().stream()
        .filter(e -> e.getValue().image().reference().equals(image.reference())
            || e.getValue().image().isBuiltOn(image))
        .map(Map.Entry::getKey).toList();
  }
}
