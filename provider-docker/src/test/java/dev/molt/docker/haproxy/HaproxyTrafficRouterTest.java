package dev.molt.docker.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.ProviderException;
import dev.molt.Revision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router's runtime API traffic, against a fake HAProxy. */
class HaproxyTrafficRouterTest {
  private static final Revision BLUE = Revision.of("r-1111111111");
  private static final Revision GREEN = Revision.of("r-2222222222");
  private final FakeHaproxy haproxy = new FakeHaproxy();
  private final HaproxyTrafficRouter router = HaproxyTrafficRouter.builder(haproxy.runtime(),
      "web").healthChecks(false).build();

  HaproxyTrafficRouterTest() throws Exception {}

  @AfterEach
  void stop() throws Exception {
    haproxy.close();
  }

  @Test
  void aSwitchIsOneCallThatRaisesBeforeItLowersSoTheBackendNeverWeighsNothing() {
    blueAndGreenServing(); // blue 100%, green 0%
    int before = haproxy.setCalls().size();

    router.setWeights("web", Map.of(BLUE, 0, GREEN, 100));

    assertThat(haproxy.setCalls()).hasSize(before + 1);
    assertThat(haproxy.setCalls().get(before))
        .isEqualTo("set server web/g1 weight 1; set server web/b1 weight 0");
    assertThat(haproxy.weightInRotationAfterEachCommand).allSatisfy(w -> assertThat(w)
        .as("weight in rotation after each command").isPositive());
    assertThat(router.weights("web")).isEqualTo(Map.of(BLUE, 0, GREEN, 100));
    assertThat(router.served()).isEqualTo(Map.of(BLUE, 0, GREEN, 100));
  }

  @Test
  void aSwitchHaproxyRefusedDoesNotReadBackAsDone() {
    blueAndGreenServing();
    haproxy.refuseChanges = true;

    assertThatThrownBy(() -> router.setWeights("web", Map.of(BLUE, 0, GREEN, 100)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("Refused");

    assertThat(router.weights("web")).isEqualTo(Map.of(BLUE, 100, GREEN, 0));
  }

  @Test
  void aServerOfARevisionAt0PercentJoinsWithWeight0() {
    blueAndGreenServing();

    assertThat(haproxy.servers.get("g1")).containsExactly(0, 0);
    assertThat(haproxy.servers.get("b1")[0]).isPositive();
  }

  @Test
  void aHeldServerJoinsWithWeight0WhileNoSplitIsSetAndTheNextSplitGivesItItsShare() {
    haproxy.server("b1", 100, false);
    haproxy.server("g1", 100, false);
    router.admit(List.of(instance("b1", BLUE))); // a fleet serving with no split (rolled)
    Instance canary = instance("g1", GREEN);

    router.hold(List.of(canary));
    router.admit(List.of(canary));

    assertThat(haproxy.servers.get("g1")[0]).as("ready, but no share before its step").isZero();
    assertThat(haproxy.servers.get("b1")[0]).isPositive();
    router.setWeights("web", Map.of(BLUE, 90, GREEN, 10));
    assertThat(router.served()).isEqualTo(Map.of(BLUE, 90, GREEN, 10));
    router.setWeights("web", Map.of());
    assertThat(haproxy.servers.get("g1")[0]).as("the split ended the hold")
        .isEqualTo(haproxy.servers.get("b1")[0]);
  }

  @Test
  void aHeldServerThatWouldLeaveTheBackendWithoutWeightServesEvenly() {
    haproxy.server("g1", 100, false);
    Instance only = instance("g1", GREEN);

    router.hold(List.of(only));
    router.admit(List.of(only));

    assertThat(haproxy.servers.get("g1")[0]).isPositive();
  }

  @Test
  void anUnheldServerJoinsAnUnsplitBackendEvenlyAsInARollingUpdate() {
    haproxy.server("b1", 100, false);
    haproxy.server("g1", 100, false);
    router.admit(List.of(instance("b1", BLUE)));

    router.admit(List.of(instance("g1", GREEN)));

    assertThat(haproxy.servers.get("g1")[0]).isEqualTo(haproxy.servers.get("b1")[0]).isPositive();
  }

  @Test
  void clearingTheSplitWeighsEveryServerTheSameAndReadsBackEmpty() {
    blueAndGreenServing();

    router.setWeights("web", Map.of());

    assertThat(haproxy.servers.get("b1")[0]).isEqualTo(haproxy.servers.get("g1")[0]);
    assertThat(router.weights("web")).isEmpty();
  }

  @Test
  void afterARestartTheSplitIsReadBackFromHaproxysWeights() {
    blueAndGreenServing();
    router.setWeights("web", Map.of(BLUE, 80, GREEN, 20));
    HaproxyTrafficRouter restarted = HaproxyTrafficRouter.builder(haproxy.runtime(), "web")
        .healthChecks(false).build();

    restarted.adopt(List.of(instance("b1", BLUE), instance("g1", GREEN)));

    assertThat(restarted.weights("web")).isEqualTo(Map.of(BLUE, 80, GREEN, 20));
  }

  @Test
  void badSplitsAndAnotherFleetAreRefusedWithoutAnHaproxyCall() {
    blueAndGreenServing();
    int calls = haproxy.calls.size();

    assertThatThrownBy(() -> router.setWeights("web", Map.of(BLUE, 90)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse());
    assertThatThrownBy(() -> router.setWeights("web", Map.of(BLUE, 120, GREEN, -20)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("0..100");
    assertThatThrownBy(() -> router.setWeights("api", Map.of(BLUE, 100)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("routes fleet web");
    assertThat(haproxy.calls).hasSize(calls);
    assertThat(router.weights("api")).isEmpty();
  }

  /** Blue's server in rotation, a 100/0 split set, then green's server admitted. */
  private void blueAndGreenServing() {
    haproxy.server("b1", 100, false);
    haproxy.server("g1", 100, false);
    Instance blue = instance("b1", BLUE);
    Instance green = instance("g1", GREEN);
    router.admit(List.of(blue));
    router.setWeights("web", Map.of(BLUE, 100, GREEN, 0));
    router.admit(List.of(green));
  }

  private static Instance instance(String id, Revision revision) {
    return new Instance(id, "web", revision, Optional.of("127.0.0.1:80"), InstanceState.RUNNING,
        Instant.EPOCH, Instant.EPOCH, Optional.empty(), Map.of());
  }
}
