package dev.molt.docker;

import com.github.dockerjava.api.model.Capability;
import dev.molt.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code docker.*} entries of a {@link dev.molt.LaunchSpec}'s options, validated before any
 * engine call. Other options (for other providers) are ignored; an unknown {@code docker.*} key is
 * an error, so a typo never silently weakens the secure defaults. See {@link DockerProvider} for
 * the list.
 */
record LaunchOptions(
    boolean readOnlyRootfs,
    boolean noNewPrivileges,
    List<Capability> capAdd,
    List<String> tmpfs,
    Optional<String> user,
    Optional<Long> memoryBytes,
    Optional<String> network,
    List<String> command) {

  static final String PREFIX = "docker.";
  private static final Set<String> KEYS = Set.of("readOnlyRootfs", "noNewPrivileges", "capAdd",
      "tmpfs", "user", "memory", "network", "command");

  static LaunchOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
        throw new InvalidSpecException(field(key), "is not a Docker option; known: docker."
            + String.join(", docker.", KEYS.stream().sorted().toList()));
      }
    }
    return new LaunchOptions(
        bool(options, "readOnlyRootfs"),
        bool(options, "noNewPrivileges"),
        capabilities(options),
        list(options, "tmpfs", ","),
        text(options, "user"),
        text(options, "memory").map(v -> bytes(v)),
        text(options, "network"),
        list(options, "command", " "));
  }

  private static boolean bool(Map<String, String> options, String name) {
    String v = options.get(PREFIX + name);
    if (v == null || v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new InvalidSpecException(field(PREFIX + name), "must be true or false, was '" + v + "'");
  }

  private static List<Capability> capabilities(Map<String, String> options) {
    List<Capability> out = new ArrayList<>();
    for (String name : list(options, "capAdd", ",")) {
      String upper = name.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "");
      try {
        out.add(Capability.valueOf(upper));
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException(field(PREFIX + "capAdd"),
            "names an unknown capability '" + name + "' (for example NET_BIND_SERVICE)");
      }
    }
    return List.copyOf(out);
  }

  private static List<String> list(Map<String, String> options, String name, String separator) {
    String v = options.get(PREFIX + name);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return List.of(v.trim().split("\\s*" + separator + "\\s*"));
  }

  private static Optional<String> text(Map<String, String> options, String name) {
    String v = options.get(PREFIX + name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static long bytes(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    long unit = switch (lower.charAt(lower.length() - 1)) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      default -> 1L;
    };
    String digits = unit == 1 ? lower : lower.substring(0, lower.length() - 1);
    try {
      long n = Long.parseLong(digits);
      if (n > 0) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSpecException(field(PREFIX + "memory"),
        "must be a positive size such as 256m or 1g, was '" + v + "'");
  }

  private static String field(String key) {
    return "options[" + key + "]";
  }
}
