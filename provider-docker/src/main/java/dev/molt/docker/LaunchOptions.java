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
    boolean nonRoot,
    List<Capability> capAdd,
    List<String> tmpfs,
    Optional<String> user,
    Optional<Long> memoryBytes,
    Optional<Long> memorySwapBytes,
    long pidsLimit,
    Optional<String> network,
    List<String> command) {

  static final String PREFIX = "docker.";
  /** The user a container runs as when neither the spec nor the image names a non-root one. */
  static final String UNPRIVILEGED_USER = "65534:65534";
  /** The default limit on processes (and threads) in a container. */
  static final long DEFAULT_PIDS_LIMIT = 1024;
  /** Docker's value for "no limit" (pids, swap). */
  static final long UNLIMITED = -1;
  private static final Set<String> KEYS = Set.of("readOnlyRootfs", "noNewPrivileges", "nonRoot",
      "capAdd", "tmpfs", "user", "memory", "memorySwap", "pidsLimit", "network", "command");

  static LaunchOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
        throw new InvalidSpecException(field(key), "is not a Docker option; known: docker."
            + String.join(", docker.", KEYS.stream().sorted().toList()));
      }
    }
    boolean nonRoot = bool(options, "nonRoot");
    Optional<String> user = text(options, "user");
    if (nonRoot && user.isPresent() && isRoot(user.get())) {
      throw new InvalidSpecException(field(PREFIX + "user"), "'" + user.get() + "' runs the"
          + " container as root; set docker.nonRoot=false to allow that");
    }
    Optional<Long> memory = text(options, "memory").map(v -> bytes(v, "memory"));
    return new LaunchOptions(
        bool(options, "readOnlyRootfs"),
        bool(options, "noNewPrivileges"),
        nonRoot,
        capabilities(options),
        list(options, "tmpfs", ","),
        user,
        memory,
        memorySwap(options, memory),
        pidsLimit(options),
        text(options, "network"),
        list(options, "command", " "));
  }

  /**
   * The user to run as, given the image's own {@code User} (empty when it sets none): the spec's
   * {@code docker.user}; else, with {@code nonRoot}, the image's user unless it is root, else
   * {@link #UNPRIVILEGED_USER}; without {@code nonRoot}, the image's (empty: leave it to Docker).
   */
  Optional<String> effectiveUser(Optional<String> imageUser) {
    if (user.isPresent()) {
      return user;
    }
    if (!nonRoot) {
      return Optional.empty();
    }
    return Optional.of(imageUser.filter(u -> !isRoot(u)).orElse(UNPRIVILEGED_USER));
  }

  /** {@code root}, {@code 0}, {@code root:...} or {@code 0:...}; a blank user is root too. */
  static boolean isRoot(String user) {
    String name = user.strip();
    int colon = name.indexOf(':');
    String who = colon < 0 ? name : name.substring(0, colon);
    return who.isEmpty() || who.equals("root") || who.equals("0");
  }

  /** Swap equals memory (no swap) unless {@code docker.memorySwap} says a size or unlimited. */
  private static Optional<Long> memorySwap(Map<String, String> options, Optional<Long> memory) {
    Optional<String> v = text(options, "memorySwap");
    if (v.isPresent() && memory.isEmpty()) {
      throw new InvalidSpecException(field(PREFIX + "memorySwap"),
          "needs docker.memory: swap is limited together with memory");
    }
    if (v.isEmpty()) {
      return memory;
    }
    if (v.get().equals("unlimited")) {
      return Optional.of(UNLIMITED);
    }
    long swap = bytes(v.get(), "memorySwap");
    if (swap < memory.get()) {
      throw new InvalidSpecException(field(PREFIX + "memorySwap"), "is memory plus swap and must"
          + " be at least docker.memory (" + memory.get() + " bytes), was '" + v.get() + "'");
    }
    return Optional.of(swap);
  }

  private static long pidsLimit(Map<String, String> options) {
    Optional<String> v = text(options, "pidsLimit");
    if (v.isEmpty()) {
      return DEFAULT_PIDS_LIMIT;
    }
    if (v.get().equals("unlimited")) {
      return UNLIMITED;
    }
    try {
      long n = Long.parseLong(v.get());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSpecException(field(PREFIX + "pidsLimit"),
        "must be a positive number or 'unlimited', was '" + v.get() + "'");
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

  private static long bytes(String v, String name) {
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
    throw new InvalidSpecException(field(PREFIX + name),
        "must be a positive size such as 256m or 1g, was '" + v + "'");
  }

  private static String field(String key) {
    return "options[" + key + "]";
  }
}
