package dev.molt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything an instance is launched with: the image and the configuration injected at launch.
 * Its content hash is its {@link Revision}: two equal specs are the same revision, and any change —
 * a new image, one environment variable — is a new revision, launched beside the old one.
 *
 * <p>Secrets are given as <em>references</em> (an environment variable name mapped to where the
 * platform finds the value, such as {@code vault:db/password}); Molt never sees the values, and
 * {@link #toString()} does not print the references either.
 *
 * @param image the pinned image
 * @param environment environment variables injected at launch
 * @param secrets environment variable name to secret reference, resolved by the platform
 * @param ports ports the instance serves, ascending, without duplicates
 * @param healthCheck how the instance is judged healthy; required
 * @param options provider-specific settings (instance type, memory limit...); part of the hash
 */
public record LaunchSpec(
    Image image,
    Map<String, String> environment,
    Map<String, String> secrets,
    List<Integer> ports,
    HealthCheck healthCheck,
    Map<String, String> options) {

  /** Validates and copies the fields. */
  public LaunchSpec {
    Arguments.required(image, "image");
    environment = Arguments.copyOf(environment, "environment");
    secrets = Arguments.copyOf(secrets, "secrets");
    Arguments.required(ports, "ports");
    TreeSet<Integer> sorted = new TreeSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Integer p = ports.get(i);
      if (p == null || p < 1 || p > 65535) {
        throw new InvalidSpecException("ports[" + i + "]", "must be in 1..65535, was " + p);
      }
      if (!sorted.add(p)) {
        throw new InvalidSpecException("ports[" + i + "]", "duplicates port " + p);
      }
    }
    ports = List.copyOf(sorted);
    if (healthCheck == null) {
      throw new InvalidSpecException("healthCheck",
          "is required: Molt never shifts traffic to an instance it cannot judge. Use"
              + " HealthCheck.http(port, path), HealthCheck.tcp(port) or HealthCheck.platform()");
    }
    if (healthCheck.kind() != HealthCheck.Kind.PLATFORM && !ports.contains(healthCheck.port())) {
      throw new InvalidSpecException("healthCheck.port", healthCheck.port() + " is not among the"
          + " served ports " + ports + ": the check would probe a port the instance does not"
          + " serve. Add it with ports(" + healthCheck.port() + ") or check a served port");
    }
    options = Arguments.copyOf(options, "options");
    environment.keySet().forEach(name -> checkVariableName(name, "environment"));
    secrets.keySet().forEach(name -> checkVariableName(name, "secrets"));
    for (String name : secrets.keySet()) {
      if (environment.containsKey(name)) {
        throw new InvalidSpecException("secrets[" + name + "]",
            "is also set in environment; a variable comes from one place only");
      }
    }
  }

  /**
   * An environment variable name every platform accepts: not empty, no {@code =} (the separator
   * of {@code NAME=value}), no whitespace or control characters.
   */
  private static void checkVariableName(String name, String field) {
    boolean bad = name.isEmpty() || name.chars()
        .anyMatch(c -> c == '=' || Character.isWhitespace(c) || Character.isISOControl(c));
    if (bad) {
      throw new InvalidSpecException(field + "[" + name + "]", "is not a variable name a platform"
          + " accepts: it must be non-empty, without '=', whitespace or control characters"
          + " (portable names are letters, digits and '_', not starting with a digit)");
    }
  }

  /**
   * Starts a builder for a spec of {@code image}.
   *
   * @param image the pinned image
   * @return a builder; {@link Builder#healthCheck} must be set before {@link Builder#build()}
   */
  public static Builder builder(Image image) {
    return new Builder(image);
  }

  /** @return a builder holding this spec's values */
  public Builder toBuilder() {
    Builder b = new Builder(image);
    b.environment.putAll(environment);
    b.secrets.putAll(secrets);
    b.ports.addAll(ports);
    b.healthCheck = healthCheck;
    b.options.putAll(options);
    return b;
  }

  /** @return a copy launched from another image */
  public LaunchSpec withImage(Image newImage) {
    return new LaunchSpec(newImage, environment, secrets, ports, healthCheck, options);
  }

  /**
   * The content hash of this spec. Map entries are hashed in key order, so construction order does
   * not matter; the image's lineage and build time are not part of it (they describe the bits, they
   * do not change them).
   *
   * @return the revision, stable across JVMs and versions of Molt's 0.x line
   */
  public Revision revision() {
    StringBuilder canonical = new StringBuilder("molt-launch-spec/1\n");
    field(canonical, "image", image.reference());
    field(canonical, "version", image.version());
    image.labels().forEach((k, v) -> field(canonical, "image.label." + k, v));
    environment.forEach((k, v) -> field(canonical, "env." + k, v));
    secrets.forEach((k, v) -> field(canonical, "secret." + k, v));
    ports.forEach(p -> field(canonical, "port", p.toString()));
    field(canonical, "health", healthCheck.kind() + ":" + healthCheck.port() + ":"
        + healthCheck.path() + ":" + healthCheck.interval() + ":" + healthCheck.timeout());
    options.forEach((k, v) -> field(canonical, "option." + k, v));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return new Revision("r-" + HexFormat.of().formatHex(hash).substring(0, 10));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void field(StringBuilder out, String key, String value) {
    // length-prefixed so that no choice of keys and values can collide
    out.append(key.length()).append(':').append(key).append('=')
        .append(value.length()).append(':').append(value).append('\n');
  }

  @Override
  public String toString() {
    return "LaunchSpec[image=" + image.reference() + " (" + image.version() + "), environment="
        + environment.keySet() + ", secrets=" + secrets.keySet() + ", ports=" + ports
        + ", healthCheck=" + healthCheck + ", options=" + options + "]";
  }

  /** Builds a {@link LaunchSpec}. Not thread-safe. */
  public static final class Builder {
    private final Image image;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private HealthCheck healthCheck;

    private Builder(Image image) {
      this.image = image;
    }

    /**
     * Adds an environment variable.
     *
     * @return this builder
     * @throws InvalidSpecException if {@code name} was already given to this builder (a value
     *     inherited through {@link LaunchSpec#toBuilder()} may be replaced)
     */
    public Builder env(String name, String value) {
      once(environment, name, value, "environment");
      return this;
    }

    /**
     * Adds environment variables.
     *
     * @return this builder
     * @throws InvalidSpecException if one of the names is already set
     */
    public Builder env(Map<String, String> variables) {
      Arguments.required(variables, "environment").forEach((k, v) -> once(environment, k, v,
          "environment"));
      return this;
    }

    /**
     * Adds a secret reference injected as an environment variable.
     *
     * @return this builder
     * @throws InvalidSpecException if {@code name} is already set
     */
    public Builder secret(String name, String reference) {
      once(secrets, name, reference, "secrets");
      return this;
    }

    /** Names given through this builder: a copy's inherited values may each be replaced once. */
    private final java.util.Set<String> given = new java.util.HashSet<>();

    private void once(Map<String, String> into, String name, String value, String field) {
      Arguments.required(name, field + " name");
      if (!given.add(field + "/" + name)) {
        throw new InvalidSpecException(field + "[" + name + "]", "is set twice: a variable has"
            + " one value; set it once");
      }
      into.put(name, Arguments.required(value, field + "[" + name + "]"));
    }

    /** Adds served ports. @return this builder */
    public Builder ports(Integer... served) {
      ports.addAll(List.of(served));
      return this;
    }

    /** Sets the health check (required). @return this builder */
    public Builder healthCheck(HealthCheck check) {
      healthCheck = check;
      return this;
    }

    /** Adds a provider-specific option. @return this builder */
    public Builder option(String name, String value) {
      options.put(name, value);
      return this;
    }

    /**
     * Builds the spec.
     *
     * @return the validated spec
     * @throws InvalidSpecException naming the first invalid field
     */
    public LaunchSpec build() {
      return new LaunchSpec(image, environment, secrets, ports, healthCheck, options);
    }
  }
}
