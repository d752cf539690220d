package dev.molt.docker;

import dev.molt.Revision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic container names: {@code molt-<fleet>-<revision>-<key hash>-<index>}. The same
 * launch request (fleet, key) always asks for the same names, so a retried launch finds the
 * containers of the first attempt instead of creating more; the engine refuses a second container
 * with a name in use.
 */
final class ContainerNames {
  private static final int FLEET_CHARS = 24;

  private ContainerNames() {}

  static String name(String fleet, Revision revision, String requestKey, int index) {
    String cleaned = fleet.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-");
    if (cleaned.length() > FLEET_CHARS) {
      cleaned = cleaned.substring(0, FLEET_CHARS);
    }
    return "molt-" + cleaned + "-" + revision.id() + "-" + hash(fleet + "\n" + requestKey) + "-"
        + index;
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
