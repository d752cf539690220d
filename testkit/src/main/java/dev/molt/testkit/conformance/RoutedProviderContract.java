package dev.molt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.TrafficRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link ProviderContract} plus the traffic clauses, for providers with a {@link
 * TrafficRouter}: a split is applied whole or not at all (one out of range or not summing to 100
 * is refused, non-retryable, and leaves the split in force), reads back exactly as set, can be
 * set back, and an empty split clears it; and terminate refuses an instance that still serves
 * traffic until it is drained. A provider without a router extends {@link ProviderContract}
 * instead. Not thread-safe.
 */
public abstract class RoutedProviderContract extends ProviderContract {

  /** For subclasses. */
  protected RoutedProviderContract() {}

  /**
   * A second launch spec the platform can run, of another revision than {@link #launchSpec()}.
   *
   * @return the spec
   */
  protected abstract LaunchSpec otherLaunchSpec();

  private TrafficRouter router() {
    assertThat(provider().router()).as("a routed provider exposes its router").isPresent();
    return provider().router().orElseThrow();
  }

  private Instance launchServing(String fleet, LaunchSpec spec, String key) {
    Instance one = launchAll(new LaunchRequest(fleet, spec, 1, "ro-contract", key)).get(0);
    assertThat(await(() -> provider().health(fleet, provider().observe(fleet).stream()
        .filter(i -> i.id().equals(one.id())).toList()).get(one.id()) == Health.HEALTHY,
        healthDeadline())).as("%s healthy", one.id()).isTrue();
    return one;
  }

  @Test
  void trafficChangesAreAtomicAndReversible() {
    String fleet = newFleet();
    Revision a = launchServing(fleet, launchSpec(), "ro-contract-t1").revision();
    Revision b = launchServing(fleet, otherLaunchSpec(), "ro-contract-t2").revision();
    TrafficRouter router = router();

    router.setWeights(fleet, Map.of(a, 100, b, 0));
    router.setWeights(fleet, Map.of(a, 75, b, 25));
    assertThat(router.weights(fleet)).isEqualTo(Map.of(a, 75, b, 25));
    for (Map<Revision, Integer> bad : List.of(Map.of(a, 80, b, 30), Map.of(a, 110, b, -10),
        Map.of(a, 90))) {
      assertThatThrownBy(() -> router.setWeights(fleet, bad))
          .as("split %s is refused", bad)
          .isInstanceOfSatisfying(ProviderException.class,
              e -> assertThat(e.retryable()).as("retryable").isFalse());
      assertThat(router.weights(fleet)).as("a refused split changes nothing")
          .isEqualTo(Map.of(a, 75, b, 25));
    }

    router.setWeights(fleet, Map.of(a, 100, b, 0));
    assertThat(router.weights(fleet)).as("set back").isEqualTo(Map.of(a, 100, b, 0));
    router.setWeights(fleet, Map.of());
    assertThat(router.weights(fleet)).as("an empty split clears it").isEmpty();
  }

  @Test
  void terminateNeverRemovesAnInstanceThatStillHasTraffic() {
    String fleet = newFleet();
    Instance serving = launchServing(fleet, launchSpec(), "ro-contract-t3");
    router().setWeights(fleet, Map.of(serving.revision(), 100));

    assertThatThrownBy(() -> provider().terminate(fleet, List.of(serving)))
        .isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.retryable()).isFalse());
    assertThat(exists(serving.id())).as("still there").isTrue();

    provider().drain(fleet, List.of(serving));
    provider().terminate(fleet, List.of(serving));
    assertThat(exists(serving.id())).as("gone once drained").isFalse();
  }
}
