package dev.molt.engine;

import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.rollout.RolloutPhase;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.ForwardingProvider;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.time.VirtualTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Which launches ask a router to hold traffic until a split: a step-wise revision's (canary,
 * blue-green) when the platform has a router, never a rolling update's, never without a router.
 */
class LaunchHoldTest {
  private final VirtualTime time = VirtualTime.create();

  /** The v2 launches of a rollout from v1 to v2 of 4 instances under {@code strategy}. */
  private List<LaunchRequest> v2Launches(Strategy strategy, boolean routed) {
    InMemoryProvider.Builder b = InMemoryProvider.builder(time);
    Recording platform = new Recording(routed ? b.build() : b.withoutRouter().build());
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(1).build();
    engine.run(Fixtures.rollout(Fixtures.V1, 4).build());

    assertThat(engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(strategy).build()).phase())
        .isEqualTo(RolloutPhase.SUCCEEDED);
    return platform.launches.stream()
        .filter(r -> r.revision().equals(Fixtures.V2.revision())).toList();
  }

  @Test
  void aRoutedCanaryHoldsEveryLaunchUntilItsSplit() {
    assertThat(v2Launches(Canary.of(setWeight(25), setWeight(100)), true)).isNotEmpty()
        .allMatch(LaunchRequest::holdTraffic);
  }

  @Test
  void aRoutedBlueGreenHoldsItsGreenFleet() {
    assertThat(v2Launches(BlueGreen.defaults(), true)).isNotEmpty()
        .allMatch(LaunchRequest::holdTraffic);
  }

  @Test
  void aRollingUpdateAndARouterlessCanaryJoinTrafficWhenReady() {
    assertThat(v2Launches(RollingUpdate.defaults(), true)).isNotEmpty()
        .noneMatch(LaunchRequest::holdTraffic);
    assertThat(v2Launches(Canary.of(setWeight(25), setWeight(100)), false)).isNotEmpty()
        .noneMatch(LaunchRequest::holdTraffic);
  }

  /** Records launch requests; everything else goes to the platform. */
  private static final class Recording extends ForwardingProvider {
    final List<LaunchRequest> launches = new CopyOnWriteArrayList<>();

    Recording(InMemoryProvider platform) {
      super(platform);
    }

    @Override
    public List<Instance> launch(LaunchRequest request) {
      launches.add(request);
      return super.launch(request);
    }
  }
}
