package dev.molt.testkit.faults;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the platform does to the instances already running when a rollout starts: it loses some of
 * the old revision's instances at given times ({@link InMemoryProvider#lose}, a host crash), and
 * makes some of them flap (failing and passing their health check in turn, through {@link
 * InMemoryProvider#failHealth} and {@link InMemoryProvider#restoreHealth}, so the engine sees each
 * new healthy streak start in {@code healthySince}) until the faults stop. Every choice is drawn
 * from one seed. Thread-safe; meant for virtual time.
 */
public final class PlatformMishaps {
  private final InMemoryProvider platform;
  private final Scheduler scheduler;
  private final String fleet;
  private final Revision old;
  private final Random random;
  private final List<String> lost = new ArrayList<>();

  private PlatformMishaps(InMemoryProvider platform, Scheduler scheduler, String fleet,
      Revision old, long seed) {
    this.platform = platform;
    this.scheduler = scheduler;
    this.fleet = fleet;
    this.old = old;
    this.random = new Random(seed);
  }

  /**
   * Schedules the mishaps from now on.
   *
   * @param platform the simulated platform
   * @param scheduler its scheduler (virtual time)
   * @param fleet the fleet
   * @param old the revision running now
   * @param losses when (after now) to lose one live instance of {@code old} each
   * @param flapShare the fraction of the live instances of {@code old} that flap
   * @param flapPeriod the length of each of their healthy and unhealthy spells
   * @param quietAfter when (after now) flapping stops, every flapping instance healthy again
   * @param seed seeds every choice
   * @return the scheduled mishaps
   */
  public static PlatformMishaps install(InMemoryProvider platform, Scheduler scheduler,
      String fleet, Revision old, List<Duration> losses, double flapShare, Duration flapPeriod,
      Duration quietAfter, long seed) {
    PlatformMishaps m = new PlatformMishaps(platform, scheduler, fleet, old, seed);
    losses.forEach(at -> scheduler.schedule(m::loseOne, at));
    if (flapShare > 0) {
      for (Instance i : m.live()) {
        if (m.random.nextDouble() < flapShare) {
          m.flap(i.id(), flapPeriod, quietAfter.toMillis() / flapPeriod.toMillis(), 1);
        }
      }
    }
    return m;
  }

  /** @return the ids of the instances lost so far, in order */
  public synchronized List<String> lost() {
    return List.copyOf(lost);
  }

  private synchronized void loseOne() {
    List<Instance> live = live();
    if (!live.isEmpty()) {
      String id = live.get(random.nextInt(live.size())).id();
      platform.lose(id);
      lost.add(id);
    }
  }

  /** Spell {@code n} of {@code spells}: odd ones unhealthy; the last one ends healthy. */
  private void flap(String id, Duration period, long spells, long n) {
    scheduler.schedule(() -> {
      if (n % 2 == 1 && n < spells) {
        platform.failHealth(id);
        flap(id, period, spells, n + 1);
      } else {
        platform.restoreHealth(id);
        if (n < spells) {
          flap(id, period, spells, n + 1);
        }
      }
    }, period);
  }

  private List<Instance> live() {
    return platform.instances(fleet).stream()
        .filter(i -> i.revision().equals(old) && OwnerLabels.isOwned(i.labels(), fleet)
            && i.state() != InstanceState.FAILED && !i.state().isDraining())
        .toList();
  }
}
