package dev.molt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.spi.ForwardingProvider;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4: {@code healthySince} is the start of the current healthy streak. A new
 * revision whose instances flap (5 s up, 5 s down) never stays healthy for a 30 s minimum ready
 * time, so none of its instances may count as serving and no old instance may be drained for
 * them. On the code before the fix the in-memory provider reported the first healthy moment
 * instead: every old instance was drained and serving capacity reached 0.
 */
class FlappingHealthKeepsCapacityTest {
  private static final Duration MIN_READY = Duration.ofSeconds(30);
  private static final Duration STEP = Duration.ofMillis(500);
  private static final int CAPACITY = 4;

  private final VirtualTime time = VirtualTime.create();
  private final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  private final Streaks streaks = new Streaks();
  private final List<String> drains = new ArrayList<>();
  private final List<String> dips = new ArrayList<>();
  private int dipCount;
  private int lowest = Integer.MAX_VALUE;

  @Test
  void flappingInstancesNeverCountAsReadyAndNoOldInstanceIsDrainedForThem() {
    // the engine's default poll interval: before the fix it drained all four and served 0
    RolloutEngine engine = RolloutEngine.builder(new DrainChecking()).time(time).seed(7)
        .pollInterval(Duration.ofSeconds(2)).build();
    engine.run(Fixtures.rollout(Fixtures.V1, CAPACITY).build());
    platform.script(Fixtures.V2.revision(), InstanceBehavior.defaults()
        .flapping(Duration.ofSeconds(5)));

    RolloutHandle handle = engine.start(Fixtures.rollout(Fixtures.V2, CAPACITY)
        .strategy(RollingUpdate.defaults().withMinReadyTime(MIN_READY)).build());
    Instant limit = time.now().plus(Duration.ofHours(2));
    while (!handle.current().isDone() && time.now().isBefore(limit)) {
      time.advance(STEP);
      streaks.sample();
      int serving = serving();
      if (serving < CAPACITY && dipCount++ < 3) { // the first few say enough
        dips.add("at " + time.now() + " serving " + serving + ": " + fleet());
      }
      lowest = Math.min(lowest, serving);
    }

    Rollout end = handle.current();
    assertThat(end.isDone()).as("the rollout ended within 2 h; it is %s", end).isTrue();
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(drains).as("old instances drained for a revision never healthy %s"
          + " straight", MIN_READY).isEmpty();
      soft.assertThat(dips).as("serving capacity (healthy v1 + v2 healthy %s straight) below"
          + " %d at %d samples (every %s); lowest %d", MIN_READY, CAPACITY, dipCount, STEP,
          lowest).isEmpty();
      soft.assertThat(end.phase()).as("a revision never healthy %s straight cannot succeed",
          MIN_READY).isNotEqualTo(RolloutPhase.SUCCEEDED);
      soft.assertThat(platform.instances(Fixtures.FLEET).stream()
          .filter(i -> i.revision().equals(Fixtures.V1.revision()) && i.isHealthy()).count())
          .as("v1 serves at full capacity in the end: %s", fleet()).isEqualTo(CAPACITY);
    });
  }

  /** Healthy v1 instances that are not draining, plus v2 instances healthy for MIN_READY. */
  private int serving() {
    int serving = 0;
    for (Instance i : platform.instances(Fixtures.FLEET)) {
      boolean old = i.revision().equals(Fixtures.V1.revision());
      if (old ? i.isHealthy() && !i.state().isDraining() : streaks.ready(i.id(), time.now())) {
        serving++;
      }
    }
    return serving;
  }

  private String fleet() {
    return platform.instances(Fixtures.FLEET).stream()
        .map(i -> i.id() + "/" + i.revision() + "/" + i.state()
            + streaks.describe(i.id(), time.now()))
        .toList().toString();
  }

  /**
   * Each instance's current healthy streak as the test itself sees it, sampled every {@link
   * #STEP} of virtual time (and at every drain): an instance is ready once it has been seen
   * healthy at every sample for {@link #MIN_READY}. The provider's own {@code healthySince} is
   * what is under test, so it is not used here.
   */
  private final class Streaks {
    private final Map<String, Instant> since = new HashMap<>();

    void sample() {
      Instant now = time.now();
      Map<String, Instant> next = new HashMap<>();
      for (Instance i : platform.instances(Fixtures.FLEET)) {
        if (i.state() == InstanceState.HEALTHY) {
          next.put(i.id(), since.getOrDefault(i.id(), now));
        }
      }
      since.clear();
      since.putAll(next);
    }

    /** Sampling sees a streak up to one step late: allow that step, not more. */
    boolean ready(String id, Instant now) {
      Instant start = since.get(id);
      return start != null && !start.plus(MIN_READY).minus(STEP).isAfter(now);
    }

    String describe(String id, Instant now) {
      Instant start = since.get(id);
      return start == null ? "" : " healthy " + Duration.between(start, now).toSeconds() + "s";
    }
  }

  /** The platform, checking at every drain of a v1 instance that some v2 instance is ready. */
  private final class DrainChecking extends ForwardingProvider {
    DrainChecking() {
      super(platform);
    }

    @Override
    public void drain(String fleet, List<Instance> instances) {
      streaks.sample();
      boolean drainsOld = instances.stream()
          .anyMatch(i -> i.revision().equals(Fixtures.V1.revision()));
      boolean newReady = platform.instances(fleet).stream()
          .filter(i -> i.revision().equals(Fixtures.V2.revision()))
          .anyMatch(i -> streaks.ready(i.id(), time.now()));
      if (drainsOld && !newReady) {
        drains.add("at " + time.now() + " drained " + instances.stream().map(Instance::id)
            .toList() + " while no v2 instance had been healthy " + MIN_READY + " straight: "
            + fleet());
      }
      super.drain(fleet, instances);
    }
  }
}
