package dev.molt;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an instance is launched from: a <em>pinned</em> reference that always means the same bits.
 *
 * <p>Accepted references:
 *
 * <ul>
 *   <li>a container image by digest: {@code registry/repo@sha256:<64 hex>} (a tag may precede the
 *       digest, {@code repo:tag@sha256:...}; the digest is what counts);
 *   <li>a local container image id: {@code sha256:<64 hex>};
 *   <li>a machine image id: {@code ami-<8 or 17 hex>}.
 * </ul>
 *
 * A mutable tag such as {@code nginx:latest} is rejected: resolve it to a digest first (the Docker
 * provider's {@code resolve} does that), so that every instance of a revision runs the same bits.
 *
 * @param reference the pinned reference
 * @param version a human label for this build, such as {@code v2} or {@code build 247}
 * @param labels free-form metadata (commit, pipeline); part of the revision hash
 * @param base the image this one was built on, if known (lineage)
 * @param builtAt when the image was built, if known (for image-age policies)
 */
public record Image(
    String reference,
    String version,
    Map<String, String> labels,
    Optional<Image> base,
    Optional<Instant> builtAt) {

  private static final Pattern DIGEST = Pattern.compile("[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}");
  private static final Pattern IMAGE_ID = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern AMI = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");

  /** Validates the reference and copies the labels. */
  public Image {
    Arguments.notBlank(reference, "reference");
    Arguments.notBlank(version, "version");
    labels = Arguments.copyOf(labels, "labels");
    Arguments.optional(base, "base");
    Arguments.optional(builtAt, "builtAt");
    int at = reference.indexOf("@sha256:");
    String digest = at >= 0 ? reference.substring(at + 8)
        : reference.startsWith("sha256:") ? reference.substring(7) : null;
    if (digest != null && !digest.matches("[0-9a-f]{64}")) {
      throw new InvalidSpecException("reference", "'" + reference + "' has a malformed digest:"
          + " after sha256: come exactly 64 lowercase hex digits, found " + digest.length()
          + " character(s)" + (digest.matches("[0-9a-fA-F]*") ? "" : " that are not all hex")
          + "; copy the digest whole from the registry or `docker inspect`");
    }
    if (at == 0 || (at > 0 && !DIGEST.matcher(reference).matches())) {
      throw new InvalidSpecException("reference", "'" + reference + "' has a malformed"
          + " repository before its digest: it must be lowercase letters, digits and . _ / : -,"
          + " starting with a letter or digit");
    }
    if (!isPinned(reference)) {
      throw new InvalidSpecException("reference",
          "'" + reference + "' is not pinned: a tag can point at different bits tomorrow. Use a"
              + " digest (repo@sha256:<64 hex>), a local image id (sha256:<64 hex>) or a machine"
              + " image id (ami-...); resolve tags to digests before building an Image");
    }
  }

  /**
   * Creates an image with no labels, lineage or build time.
   *
   * @param reference a pinned reference (see the class documentation)
   * @param version a human label
   * @return the image
   * @throws InvalidSpecException if the reference is not pinned or a value is blank
   */
  public static Image of(String reference, String version) {
    return new Image(reference, version, Map.of(), Optional.empty(), Optional.empty());
  }

  /**
   * Tells whether a reference is pinned (a digest, image id or machine image id).
   *
   * @param reference any string
   * @return true if {@link #of} would accept it
   */
  public static boolean isPinned(String reference) {
    return reference != null
        && (DIGEST.matcher(reference).matches()
            || IMAGE_ID.matcher(reference).matches()
            || AMI.matcher(reference).matches());
  }

  /** @return a copy built on {@code baseImage} */
  public Image withBase(Image baseImage) {
    return new Image(reference, version, labels, Optional.of(baseImage), builtAt);
  }

  /** @return a copy with these labels */
  public Image withLabels(Map<String, String> newLabels) {
    return new Image(reference, version, newLabels, base, builtAt);
  }

  /** @return a copy with this build time */
  public Image withBuiltAt(Instant time) {
    return new Image(reference, version, labels, base, Optional.of(time));
  }

  /**
   * Tells whether this image was built, directly or through intermediate images, on {@code other}.
   *
   * @param other a possible ancestor
   * @return true if {@code other}'s reference appears in this image's base chain
   */
  public boolean isBuiltOn(Image other) {
    for (Optional<Image> b = base; b.isPresent(); b = b.get().base()) {
      if (b.get().reference().equals(other.reference())) {
        return true;
      }
    }
    return false;
  }
}
