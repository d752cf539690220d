package dev.molt.inmemory;

import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.spi.TrafficRouter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A traffic router in memory: keeps the split per fleet and records every change, so tests can
 * assert "exactly these weights, in this order" and "one router call". Validates like a real
 * router: weights 0..100 summing to 100, or none at all (the split cleared). Thread-safe.
 */
public final class InMemoryRouter implements TrafficRouter {
  private final Clock clock;
  private final BiConsumer<String, Integer> onCall;
  private final Map<String, Map<Revision, Integer>> current = new HashMap<>();
  private final List<WeightChange> history = new CopyOnWriteArrayList<>();

  /** @param clock the clock that stamps each change */
  public InMemoryRouter(Clock clock) {
    this(clock, (fleet, count) -> { });
  }

  /** For the provider: records each call in its call log, where faults can be injected. */
  InMemoryRouter(Clock clock, BiConsumer<String, Integer> onCall) {
    this.clock = Arguments.required(clock, "clock");
    this.onCall = onCall;
  }

  @Override
  public synchronized void setWeights(String fleet, Map<Revision, Integer> weights) {
    onCall.accept(fleet, weights.size());
    TrafficRouter.checkSplit(fleet, weights);
    if (weights.isEmpty()) {
      current.remove(fleet);
    } else {
      current.put(fleet, Map.copyOf(weights));
    }
    history.add(new WeightChange(clock.instant(), fleet, weights));
  }

  @Override
  public synchronized Map<Revision, Integer> weights(String fleet) {
    return current.getOrDefault(fleet, Map.of());
  }

  /** @return every change of {@code fleet}'s split, oldest first */
  public List<WeightChange> history(String fleet) {
    return history.stream().filter(c -> c.fleet().equals(fleet)).toList();
  }
}
