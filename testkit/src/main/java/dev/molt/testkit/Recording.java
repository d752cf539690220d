package dev.molt.testkit;

import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.testkit.invariants.TrafficProbe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records, at every rollout event, what the platform really had: serving and total instances and
 * the traffic split per revision. Register it with {@link SimulatedPlatform#listen} (or as an engine
 * listener) before the rollout, then assert on it with {@link MoltAssertions#assertThat(Recording)}.
 * Thread-safe.
 */
public final class Recording implements RolloutListener {
  private final InMemoryProvider platform;
  private final String fleet;
  private final TrafficProbe traffic;
  private final List<Frame> frames = new ArrayList<>();

  /**
   * What the platform had right after one event.
   *
   * @param at when
   * @param type the event
   * @param serving healthy instances
   * @param total live instances (launching, serving, draining, failed)
   * @param traffic percent of traffic per revision; empty without a router
   */
  public record Frame(Instant at, RolloutEvent.Type type, int serving, int total,
      Map<Revision, Integer> traffic) {}

  private Recording(InMemoryProvider platform, String fleet, TrafficProbe traffic) {
    this.platform = platform;
    this.fleet = fleet;
    this.traffic = traffic;
  }

  /** @return a recording of {@code fleet} on {@code platform}, without a traffic router */
  public static Recording of(InMemoryProvider platform, String fleet) {
    return new Recording(platform, fleet, TrafficProbe.NONE);
  }

  /** @return a recording of {@code fleet} on {@code platform} reading weights from {@code traffic} */
  public static Recording of(InMemoryProvider platform, String fleet, TrafficProbe traffic) {
    return new Recording(platform, fleet, traffic);
  }

  /** @return the fleet recorded */
  public String fleet() {
    return fleet;
  }

  /** @return every frame, oldest first */
  public synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /** @return the successive distinct traffic splits, oldest first, without empty ones */
  public synchronized List<Map<Revision, Integer>> trafficHistory() {
    List<Map<Revision, Integer>> out = new ArrayList<>();
    for (Frame f : frames) {
      if (!f.traffic().isEmpty() && (out.isEmpty() || !out.get(out.size() - 1)
          .equals(f.traffic()))) {
        out.add(f.traffic());
      }
    }
    return out;
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (!rollout.fleet().equals(fleet)) {
      return;
    }
    List<Instance> live = platform.instances(fleet).stream()
        .filter(i -> OwnerLabels.isOwned(i.labels(), fleet)).toList();
    int serving = (int) live.stream().filter(Instance::isHealthy).count();
    Map<String, Integer> weights = traffic.weights(fleet);
    Map<Revision, Integer> split = new TreeMap<>();
    for (Instance i : live) {
      int w = weights.getOrDefault(i.id(), 0);
      if (w > 0) {
        split.merge(i.revision(), w, Integer::sum);
      }
    }
    frames.add(new Frame(event.at(), event.type(), serving, live.size(), Map.copyOf(split)));
  }
}
