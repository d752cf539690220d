package dev.molt.inmemory;

import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory platform's change notifications: who watches which fleet, and the callbacks due
 * when a scripted instance changes state (it comes up, turns healthy, turns unhealthy) or a drain
 * ends. Thread-safe; callbacks run on the scheduler, outside any lock.
 */
final class Watchers {
  private final Scheduler scheduler;
  private final Map<String, List<Runnable>> byFleet = new HashMap<>();

  Watchers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  synchronized Cancellable watch(String fleet, Runnable onChange) {
    List<Runnable> list = byFleet.computeIfAbsent(fleet, f -> new ArrayList<>());
    list.add(onChange);
    return () -> {
      synchronized (Watchers.this) {
        list.remove(onChange);
      }
    };
  }

  /** Schedules the notifications of a new instance's life under {@code behavior}. */
  void launched(String fleet, InstanceBehavior behavior) {
    notifyAt(fleet, behavior.launchLatency());
    notifyAt(fleet, behavior.launchLatency().plus(behavior.timeToHealthy()));
    if (behavior.failure() == InstanceBehavior.Failure.TURNS_UNHEALTHY
        || behavior.failure() == InstanceBehavior.Failure.FLAPPING) {
      notifyAt(fleet, behavior.launchLatency().plus(behavior.timeToHealthy())
          .plus(behavior.unhealthyAfter()));
    }
  }

  /** Tells the fleet's watchers, {@code delay} from now, that something changed. */
  void notifyAt(String fleet, Duration delay) {
    scheduler.schedule(() -> {
      List<Runnable> list;
      synchronized (this) {
        list = List.copyOf(byFleet.getOrDefault(fleet, List.of()));
      }
      list.forEach(Runnable::run);
    }, delay);
  }
}
