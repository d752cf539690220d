package dev.molt.reconcile;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet: 10 instances of fleet {@code web} declared to run v2, of which 3 drifted (run
 * v1), 1 is tainted through the API and 2 fail their health check; the other 4 are fine. Built on
 * the in-memory provider in virtual time, with a listener hook on every engine event.
 */
final class MessyFleet {
  static final String FLEET = Fixtures.FLEET;
  static final LaunchSpec DECLARED = Fixtures.V2;
  static final LaunchSpec OLD = Fixtures.V1;
  static final String TAINT = "break-glass login by alice";

  final VirtualTime time = VirtualTime.create();
  final InMemoryProvider platform;
  final RolloutEngine engine;
  final List<String> drifted = new ArrayList<>();
  final List<String> tainted = new ArrayList<>();
  final List<String> unhealthy = new ArrayList<>();
  final List<String> clean = new ArrayList<>();
  private final List<RolloutListener> listeners = new ArrayList<>();
  private int launches;

  MessyFleet() {
    platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
        .build();
    engine = RolloutEngine.builder(platform).time(time).seed(11)
        .pollInterval(Duration.ofSeconds(5))
        .listener((rollout, event) -> listeners.forEach(l -> l.onEvent(rollout, event)))
        .build();
  }

  /** Launches the 10 instances, lets them settle, and taints one through the engine. */
  MessyFleet build() {
    InstanceBehavior healthy = InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10));
    platform.script(DECLARED.revision(), healthy.turningUnhealthyAfter(Duration.ofMinutes(1)));
    unhealthy.addAll(launch(DECLARED, 2));
    platform.script(DECLARED.revision(), healthy);
    List<String> fine = launch(DECLARED, 5);
    tainted.add(fine.get(0));
    clean.addAll(fine.subList(1, 5));
    drifted.addAll(launch(OLD, 3));
    engine.remember(OLD); // v1 was rolled out once, so reports can name its image
    time.advance(Duration.ofMinutes(3));
    engine.taint(FLEET, tainted.get(0), TAINT);
    return this;
  }

  /** Adds a listener told about every event of every run of the engine. */
  void listen(RolloutListener listener) {
    listeners.add(listener);
  }

  ReconcileSpec.Builder spec() {
    return ReconcileSpec.builder(FLEET).capacity(10).declared(DECLARED)
        .rolling(RollingUpdate.defaults()).unhealthyGrace(Duration.ofSeconds(30));
  }

  /** @return instances serving now: healthy and not draining */
  long serving() {
    return platform.instances(FLEET).stream().filter(Instance::isHealthy).count();
  }

  List<String> findingIds() {
    List<String> all = new ArrayList<>(drifted);
    all.addAll(tainted);
    all.addAll(unhealthy);
    return all;
  }

  List<String> launch(LaunchSpec spec, int count) {
    String key = "seed-" + (++launches);
    return platform.launch(new LaunchRequest(FLEET, spec, count, "ro-seed" + launches, key))
        .stream().map(Instance::id).toList();
  }

  static boolean isAction(RolloutEvent event) {
    return event.type() == RolloutEvent.Type.DRAINING
        || event.type() == RolloutEvent.Type.TERMINATED
        || event.type() == RolloutEvent.Type.LAUNCHED;
  }
}
