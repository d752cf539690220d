package dev.molt.testkit;

import dev.molt.Arguments;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.ImageRebuild;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A build pipeline for tests: rebuilds an image on the new base by replacing the old base in its
 * lineage and giving every layer above it a new digest derived from the layer and the new base
 * (so base → runtime → app becomes base' → runtime' → app', deterministically: the same inputs
 * give the same revision). A machine image ({@code ami-<hex>}, as the AWS provider runs) is
 * rebuilt as another machine image: {@code ami-} and 17 hex digits of that digest. Records which
 * fleets it rebuilt, in order, and fails the fleets it was told to with {@link #failing}.
 * Thread-safe.
 */
public final class FakeImageRebuild implements ImageRebuild {
  private static final Pattern AMI = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");
  private final Set<String> failing = new HashSet<>();
  private final List<String> rebuilt = new ArrayList<>();

  /** @return a pipeline that rebuilds every fleet */
  public static FakeImageRebuild create() {
    return new FakeImageRebuild();
  }

  /**
   * Makes the rebuild of {@code fleet} throw, as a broken pipeline would.
   *
   * @param fleet the fleet name
   * @return this
   */
  public synchronized FakeImageRebuild failing(String fleet) {
    failing.add(Arguments.notBlank(fleet, "fleet"));
    return this;
  }

  /** @return the fleets rebuilt so far, in order (failed rebuilds excluded) */
  public synchronized List<String> rebuilt() {
    return List.copyOf(rebuilt);
  }

  @Override
  public LaunchSpec rebuild(String fleet, LaunchSpec current, BaseChange change) {
    synchronized (this) {
      if (failing.contains(fleet)) {
        throw new IllegalStateException("pipeline for " + fleet + " failed (FakeImageRebuild)");
      }
      rebuilt.add(fleet);
    }
    return current.withImage(rebuild(current.image(), change));
  }

  /**
   * The image rebuilt on {@code change.to()}.
   *
   * @param image an image that is {@code change.from()} or built on it
   * @param change the base change
   * @return the rebuilt image
   * @throws IllegalArgumentException if {@code image} is not built on the old base
   */
  public static Image rebuild(Image image, BaseChange change) {
    if (image.reference().equals(change.from().reference())) {
      return change.to();
    }
    Image base = image.base().orElseThrow(() -> new IllegalArgumentException("image "
        + image.reference() + " is not built on " + change.from().reference()));
    Image newBase = rebuild(base, change);
    Image out = new Image(digest(image.reference(), change.to().reference()), image.version()
        + "+" + change.to().version(), image.labels(), Optional.of(newBase),
        change.to().builtAt());
    return out;
  }

  private static String digest(String reference, String onto) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest((reference + "|" + onto).getBytes(StandardCharsets.UTF_8));
      if (AMI.matcher(reference).matches()) { // a baked machine image: another AMI id
        return "ami-" + HexFormat.of().formatHex(d).substring(0, 17);
      }
      int at = reference.indexOf("@sha256:");
      String repo = at > 0 ? reference.substring(0, at) : "registry.example/rebuilt";
      return repo + "@sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
