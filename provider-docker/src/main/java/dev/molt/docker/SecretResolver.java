package dev.molt.docker;

import dev.molt.InvalidSpecException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a secret reference of a {@link dev.molt.LaunchSpec} (such as {@code env:DB_PASSWORD} or
 * {@code vault:db/password}) into its value at launch time. The value goes straight into the
 * container's environment: the provider never logs it, nor puts it in an exception message.
 *
 * <p>Note that a container's environment is visible to whoever can {@code docker inspect} it; use
 * a resolver that hands out short-lived credentials where that matters. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface SecretResolver {

  /**
   * Resolves one reference.
   *
   * @param reference the reference as written in the spec
   * @return the value, or empty if this resolver has no such secret
   */
  Optional<String> resolve(String reference);

  /**
   * A resolver that knows no secret: launching a spec with secrets fails before any container is
   * created. The default of {@link DockerProvider}.
   *
   * @return the resolver
   */
  static SecretResolver none() {
    return reference -> Optional.empty();
  }

  /**
   * A resolver for {@code env:NAME} references, read from this process's environment.
   *
   * @return the resolver
   */
  static SecretResolver environment() {
    return fromPrefix("env:", System::getenv);
  }

  /**
   * A resolver for references found in a map, such as test fixtures: {@code map.get(reference)}.
   *
   * @param secrets reference to value
   * @return the resolver (it copies the map)
   */
  static SecretResolver of(Map<String, String> secrets) {
    Map<String, String> copy = Map.copyOf(secrets);
    return reference -> Optional.ofNullable(copy.get(reference));
  }

  /**
   * A resolver for references starting with {@code prefix}; the rest is looked up.
   *
   * @param prefix such as {@code env:}
   * @param lookup from the rest of the reference to the value, or null
   * @return the resolver
   */
  static SecretResolver fromPrefix(String prefix, Function<String, String> lookup) {
    if (prefix == null || prefix.isEmpty()) {
      throw new InvalidSpecException("prefix", "must not be empty");
    }
    return reference -> reference.startsWith(prefix)
        ? Optional.ofNullable(lookup.apply(reference.substring(prefix.length())))
        : Optional.empty();
  }
}
