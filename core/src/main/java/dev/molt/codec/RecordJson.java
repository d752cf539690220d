package dev.molt.codec;

import dev.molt.gate.Gate;
import dev.molt.internal.Json;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.WindowEnd;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps Molt's value records to and from {@link Json} trees by their record components, so a new
 * strategy record (a permitted subtype of a sealed interface) is stored without any code here.
 *
 * <p>Records become objects; a value whose declared type is a sealed interface carries its record's
 * simple name under {@value #TYPE}. {@link Optional} becomes the value or {@code null}; {@link
 * Duration}, {@link Instant}, {@link ZoneId} and {@link LocalTime} their ISO-8601 text (a zone its
 * id); enums their name; lists and sets arrays; a
 * map an object, its keys strings, enums or records of one string (such as {@code Revision}); a
 * {@link Gate} its name only, read back as a {@link StoredGate}. Reading calls the canonical
 * constructor, so every value is validated again. A component that an earlier version did not
 * write (a field added since) reads as empty (optionals, collections), zero (primitives), always
 * open ({@link DeploymentWindows}) or {@link WindowEnd#FINISH}, which is the default every such
 * component is given.
 */
public final class RecordJson {
  static final String TYPE = "@type";
  static final String GATE = "@gate";

  private RecordJson() {}

  /** @return the JSON tree of {@code value}, whose declared type is {@code type} */
  public static Object toTree(Object value, Type type) {
    Class<?> raw = raw(type);
    if (value == null) {
      return null;
    }
    if (raw == Optional.class) {
      return ((Optional<?>) value).map(v -> toTree(v, arg(type, 0))).orElse(null);
    }
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Gate gate) {
      return Map.of(GATE, gate.name()); // gates are code: kept by name (see StoredGate)
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof Duration || value instanceof Instant || value instanceof ZoneId
        || value instanceof LocalTime) {
      return value.toString();
    }
    if (value instanceof Collection<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(toTree(v, arg(type, 0))));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(keyText(k), toTree(v, arg(type, 1))));
      return out;
    }
    if (value instanceof Record record) {
      return recordTree(record, raw.isSealed());
    }
    throw new IllegalArgumentException("cannot store a " + value.getClass().getName());
  }

  private static Map<String, Object> recordTree(Record record, boolean tagged) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (tagged) {
      out.put(TYPE, record.getClass().getSimpleName());
    }
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      try {
        out.put(c.getName(), toTree(c.getAccessor().invoke(record), c.getGenericType()));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
      }
    }
    return out;
  }

  /** @return the value of declared type {@code type} read from {@code tree} */
  public static Object fromTree(Object tree, Type type) {
    Class<?> raw = raw(type);
    if (raw == Optional.class) {
      return tree == null ? Optional.empty() : Optional.of(fromTree(tree, arg(type, 0)));
    }
    if (tree == null) {
      if (raw.isPrimitive()) {
        throw new IllegalArgumentException("missing " + raw + " value");
      }
      return null;
    }
    if (raw == Gate.class) {
      return new StoredGate((String) ((Map<?, ?>) tree).get(GATE));
    }
    if (raw == String.class || raw == boolean.class || raw == Boolean.class) {
      return tree;
    }
    if (raw == int.class || raw == Integer.class) {
      return Math.toIntExact((Long) tree);
    }
    if (raw == long.class || raw == Long.class) {
      return tree;
    }
    if (raw == double.class || raw == Double.class) {
      return ((Number) tree).doubleValue();
    }
    if (raw.isEnum()) {
      return enumValue(raw, (String) tree);
    }
    if (raw == Duration.class) {
      return Duration.parse((String) tree);
    }
    if (raw == Instant.class) {
      return Instant.parse((String) tree);
    }
    if (raw == ZoneId.class) {
      return ZoneId.of((String) tree);
    }
    if (raw == LocalTime.class) {
      return LocalTime.parse((String) tree);
    }
    if (raw == List.class || raw == Set.class) {
      List<Object> out = new ArrayList<>();
      ((List<?>) tree).forEach(v -> out.add(fromTree(v, arg(type, 0))));
      return raw == Set.class ? new LinkedHashSet<>(out) : out;
    }
    if (raw == Map.class) {
      Map<Object, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) tree).forEach((k, v) -> out.put(keyFrom((String) k, arg(type, 0)),
          fromTree(v, arg(type, 1))));
      return out;
    }
    return recordFrom((Map<?, ?>) tree, raw);
  }

  private static Object recordFrom(Map<?, ?> tree, Class<?> declared) {
    Class<?> raw = declared.isSealed() ? subtype(declared, (String) tree.get(TYPE)) : declared;
    if (!raw.isRecord()) {
      throw new IllegalArgumentException("cannot read a " + raw.getName());
    }
    RecordComponent[] components = raw.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      String name = components[i].getName();
      args[i] = tree.containsKey(name)
          ? fromTree(tree.get(name), components[i].getGenericType())
          : absent(components[i].getType());
    }
    try {
      Constructor<?> canonical = raw.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException re ? re
          : new IllegalArgumentException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + raw.getName(), e);
    }
  }

  /**
   * The value of a component that a record written by an earlier version does not have: empty for
   * optionals and collections, zero or false for primitives; anything else is missing, and the
   * constructor refuses it.
   */
  private static Object absent(Class<?> type) {
    if (type == Optional.class) {
      return Optional.empty();
    }
    if (type == List.class || type == Set.class || type == Map.class) {
      return type == List.class ? List.of() : type == Set.class ? Set.of() : Map.of();
    }
    if (type == int.class || type == long.class || type == double.class) {
      return type == int.class ? (Object) 0 : type == long.class ? (Object) 0L : (Object) 0.0;
    }
    if (type == DeploymentWindows.class) {
      return DeploymentWindows.always(); // a spec written before rollouts had windows
    }
    if (type == WindowEnd.class) {
      return WindowEnd.FINISH;
    }
    return type == boolean.class ? Boolean.FALSE : null;
  }

  /** A map key: a string, an enum, or a record of one string such as {@code Revision}. */
  private static String keyText(Object key) {
    if (key instanceof Record r && r.getClass().getRecordComponents().length == 1) {
      return String.valueOf(toTree(r, r.getClass()) instanceof Map<?, ?> m
          ? m.values().iterator().next() : r);
    }
    return key instanceof Enum<?> e ? e.name() : String.valueOf(key);
  }

  private static Object keyFrom(String text, Type type) {
    Class<?> raw = raw(type);
    if (raw.isRecord() && raw.getRecordComponents().length == 1) {
      return recordFrom(Map.of(raw.getRecordComponents()[0].getName(), text), raw);
    }
    return raw.isEnum() ? enumValue(raw, text) : text;
  }

  private static Class<?> subtype(Class<?> sealed, String name) {
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.getSimpleName().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown " + sealed.getSimpleName() + " type '" + name
        + "' (written by a newer Molt?)");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  private static Class<?> raw(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static Type arg(Type type, int index) {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[index];
    }
    return Object.class;
  }
}
