package dev.molt.cli;

import dev.molt.Instance;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.Health;
import dev.molt.spi.Provider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A provider that remembers the last fleet each {@code observe} returned and the last health
 * each {@code health} call reported, so the progress line shows instance counts without a
 * platform call of its own. Changes nothing else.
 */
final class Watched extends ForwardingProvider {
  private final Map<String, List<Instance>> seen = new ConcurrentHashMap<>();
  private final Map<String, Health> health = new ConcurrentHashMap<>();

  Watched(Provider delegate) {
    super(delegate);
  }

  @Override
  public List<Instance> observe(String fleet) {
    List<Instance> instances = super.observe(fleet);
    seen.put(fleet, List.copyOf(instances));
    return instances;
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    Map<String, Health> judged = super.health(fleet, instances);
    health.putAll(judged);
    return judged;
  }

  /** @return what the last observation of {@code fleet} returned; empty before the first */
  List<Instance> lastSeen(String fleet) {
    return seen.getOrDefault(fleet, List.of());
  }

  /**
   * @return the instance's state for people: its observed state, or {@code healthy} / {@code
   *     unhealthy} once a health call judged a running instance
   */
  String stateOf(Instance instance) {
    String state = instance.state().name().toLowerCase(Locale.ROOT);
    Health h = health.get(instance.id());
    if (!state.equals("running") || h == null || h == Health.UNKNOWN) {
      return state;
    }
    return h.name().toLowerCase(Locale.ROOT);
  }
}
