package dev.molt.cli;

import dev.molt.Instance;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Provider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A provider that remembers the last fleet each {@code observe} returned, so the progress line
 * shows instance counts without a platform call of its own. Changes nothing else.
 */
final class Watched extends ForwardingProvider {
  private final Map<String, List<Instance>> seen = new ConcurrentHashMap<>();

  Watched(Provider delegate) {
    super(delegate);
  }

  @Override
  public List<Instance> observe(String fleet) {
    List<Instance> instances = super.observe(fleet);
    seen.put(fleet, List.copyOf(instances));
    return instances;
  }

  /** @return what the last observation of {@code fleet} returned; empty before the first */
  List<Instance> lastSeen(String fleet) {
    return seen.getOrDefault(fleet, List.of());
  }
}
