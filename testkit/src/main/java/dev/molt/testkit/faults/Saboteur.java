package dev.molt.testkit.faults;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the new revision fail after it took the traffic: once a rollout's events show the switch
 * (a {@code TRAFFIC_SHIFTED} event with the target at 100 %, or a step that promotes), it waits
 * {@code delay}, then makes {@code share} of the target revision's live instances (at least one)
 * fail their health check for good ({@link InMemoryProvider#failHealth}), as a bad release that
 * only breaks under full load would. Acts once. Register it as an engine listener. Thread-safe.
 */
public final class Saboteur implements RolloutListener {
  private final InMemoryProvider platform;
  private final Scheduler scheduler;
  private final Revision target;
  private final double share;
  private final Duration delay;
  private final Random random;
  private final List<String> broken = new ArrayList<>();
  private boolean armed = true;

  /**
   * @param platform the simulated platform
   * @param scheduler its scheduler (virtual time)
   * @param target the revision to break
   * @param share the fraction of its instances to break, in (0, 1]
   * @param delay how long after the switch
   * @param seed seeds which instances break
   */
  public Saboteur(InMemoryProvider platform, Scheduler scheduler, Revision target, double share,
      Duration delay, long seed) {
    this.platform = platform;
    this.scheduler = scheduler;
    this.target = target;
    this.share = share;
    this.delay = delay;
    this.random = new Random(seed);
  }

  /** @return the ids of the instances it broke, in order */
  public synchronized List<String> broken() {
    return List.copyOf(broken);
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (!armed || !rollout.to().equals(target)) {
      return;
    }
    boolean switched = event.type() == RolloutEvent.Type.TRAFFIC_SHIFTED
        && event.message().contains(target.id() + "=100%");
    boolean promoted = event.type() == RolloutEvent.Type.STEP
        && event.message().contains("promot");
    if (switched || promoted) {
      armed = false;
      scheduler.schedule(() -> strike(rollout.fleet()), delay);
    }
  }

  private synchronized void strike(String fleet) {
    List<Instance> live = platform.instances(fleet).stream()
        .filter(i -> i.revision().equals(target) && i.state() != InstanceState.FAILED
            && !i.state().isDraining()).toList();
    List<Instance> pool = new ArrayList<>(live);
    int count = Math.max(1, (int) Math.round(share * pool.size()));
    for (int n = 0; n < count && !pool.isEmpty(); n++) {
      Instance victim = pool.remove(random.nextInt(pool.size()));
      platform.failHealth(victim.id());
      broken.add(victim.id());
    }
  }
}
