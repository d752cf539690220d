package dev.molt.internal;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The immutable, key-sorted map that {@link dev.molt.Arguments#copyOf(Map, String)} returns. Because nothing
 * outside can hold the map it wraps, copying one again is free: records that are rebuilt often
 * (an {@code Instance} per observation) do not re-sort the same labels each time. Not API.
 */
public final class FrozenMap extends AbstractMap<String, String> {
  private final Map<String, String> sorted;
  private final Map<String, String> index; // hashed: label look-ups run per instance per poll

  /** @param owned a map nobody else holds; it is never changed again */
  public FrozenMap(TreeMap<String, String> owned) {
    this.sorted = Collections.unmodifiableMap(owned);
    this.index = Map.copyOf(owned);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return sorted.entrySet();
  }

  @Override
  public int size() {
    return sorted.size();
  }

  @Override
  public boolean containsKey(Object key) {
    return key != null && index.containsKey(key);
  }

  @Override
  public String get(Object key) {
    return key == null ? null : index.get(key);
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super String> action) {
    sorted.forEach(action);
  }
}
