package dev.molt;

import java.util.regex.Pattern;

/**
 * The identity of one {@link LaunchSpec}: a content hash, so the same spec is always the same
 * revision (like a Kubernetes pod-template hash). Obtain one with {@link LaunchSpec#revision()}.
 *
 * @param id a short lowercase hex hash prefixed with {@code r-}
 */
public record Revision(String id) implements Comparable<Revision> {
  private static final Pattern FORMAT = Pattern.compile("r-[0-9a-f]{10}");

  /** Validates the id format. */
  public Revision {
    Arguments.notBlank(id, "id");
    if (!FORMAT.matcher(id).matches()) {
      throw new InvalidSpecException("id", "must look like r-<10 hex>, was '" + id + "'");
    }
  }

  /**
   * Parses a revision id as printed by {@link #toString()}.
   *
   * @param id for example {@code r-3f2a9c0d1e}
   * @return the revision
   */
  public static Revision of(String id) {
    return new Revision(id);
  }

  @Override
  public int compareTo(Revision o) {
    return id.compareTo(o.id);
  }

  @Override
  public String toString() {
    return id;
  }
}
