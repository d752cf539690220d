package dev.molt;

import dev.molt.internal.FrozenMap;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Argument checks that fail with an {@link InvalidSpecException} naming the field, shared by
 * Molt's value types and by providers (an SPI implementation checks its builder's input with
 * these rather than with private copies). Every method returns its checked argument, so a
 * constructor reads {@code this.port = Arguments.positive(port, "port")}.
 */
public final class Arguments {
  private Arguments() {}

  /** Fails naming {@code field} when {@code value} is null. */
  public static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidSpecException(field, "is required but was null");
    }
    return value;
  }

  /** Fails naming {@code field} when {@code value} is null or blank. */
  public static String notBlank(String value, String field) {
    required(value, field);
    if (value.isBlank()) {
      throw new InvalidSpecException(field, "must not be blank");
    }
    return value;
  }

  /** Fails naming {@code field} when {@code value} is negative. */
  public static int nonNegative(int value, String field) {
    if (value < 0) {
      throw new InvalidSpecException(field, "must be >= 0, was " + value);
    }
    return value;
  }

  /** Fails naming {@code field} when {@code value} is below 1. */
  public static int positive(int value, String field) {
    if (value < 1) {
      throw new InvalidSpecException(field, "must be >= 1, was " + value);
    }
    return value;
  }

  /** Fails naming {@code field} when the duration is null or negative. */
  public static Duration nonNegative(Duration value, String field) {
    required(value, field);
    if (value.isNegative()) {
      throw new InvalidSpecException(field, "must not be negative, was " + value);
    }
    return value;
  }

  /** Fails naming {@code field} when the duration is null, zero or negative. */
  public static Duration positive(Duration value, String field) {
    required(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidSpecException(field, "must be positive, was " + value);
    }
    return value;
  }

  /** An immutable sorted copy with null keys or values rejected, naming the key. */
  public static Map<String, String> copyOf(Map<String, String> map, String field) {
    required(map, field);
    if (map instanceof FrozenMap) {
      return map; // already an immutable checked copy: records rebuilt per observation share it
    }
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach((k, v) -> {
      if (k == null || k.isBlank()) {
        throw new InvalidSpecException(field, "has a null or blank key");
      }
      if (v == null) {
        throw new InvalidSpecException(field + "[" + k + "]", "is null");
      }
      copy.put(k, v);
    });
    return new FrozenMap(copy);
  }

  /** An immutable copy of a list with null elements rejected, naming the index. */
  public static <T> List<T> copyOf(Collection<T> list, String field) {
    required(list, field);
    int i = 0;
    for (T t : list) {
      if (t == null) {
        throw new InvalidSpecException(field + "[" + i + "]", "is null");
      }
      i++;
    }
    return List.copyOf(list);
  }

  /** Rejects a null Optional (an empty one is fine). */
  public static <T> Optional<T> optional(Optional<T> value, String field) {
    return required(value, field);
  }
}
