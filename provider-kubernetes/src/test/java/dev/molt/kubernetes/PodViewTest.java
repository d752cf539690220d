package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PodViewTest {
  private static final Instant T0 = Instant.parse("2026-11-30T03:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Optional<String> NO_ZONE = Optional.empty();
  private static final LaunchRequest REQUEST = new LaunchRequest("shop",
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1), 1, "ro-1", "key");

  /** A pod as the ReplicaSet controller would create it from the request's template. */
  private static PodBuilder pod() {
    var template = PodTemplates.template(REQUEST);
    return new PodBuilder().withNewMetadataLike(template.getMetadata()).withName("shop-r-1-abcde")
        .withCreationTimestamp(T0.toString()).endMetadata().withSpec(template.getSpec());
  }

  private static Pod running(boolean ready) {
    return pod().withNewStatus().withPhase("Running").withPodIP("10.0.0.7")
        .withStartTime(T0.plusSeconds(2).toString())
        .withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus(ready ? "True" : "False").build())
        .endStatus().build();
  }

  @Test
  void aPendingPodIsLaunchingWithoutAddressAndARunningOneHasPodIpAndFirstPort() {
    Instance pending = new PodView(pod().withNewStatus().withPhase("Pending").endStatus().build())
        .toInstance("shop", T0, GRACE, NO_ZONE).orElseThrow();
    assertThat(pending.state()).isEqualTo(InstanceState.LAUNCHING);
    assertThat(pending.address()).isEmpty();
    assertThat(pending.revision()).isEqualTo(REQUEST.revision());
    assertThat(pending.labels()).containsEntry(OwnerLabels.ROLLOUT, "ro-1");

    Instance up = new PodView(running(true)).toInstance("shop", T0.plusSeconds(3), GRACE, NO_ZONE)
        .orElseThrow();
    assertThat(up.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(up.address()).contains("10.0.0.7:8080");
    assertThat(up.launchedAt()).isEqualTo(T0);
    assertThat(up.stateSince()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void aDrainedPodIsDrainingForTheGraceThenDrained() {
    Pod drained = new PodBuilder(running(true)).editMetadata()
        .addToLabels(PodTemplates.SERVING, "false")
        .addToAnnotations(PodTemplates.DRAINED_AT, T0.plusSeconds(10).toString()).endMetadata()
        .build();
    PodView view = new PodView(drained);
    assertThat(view.state(T0.plusSeconds(12), GRACE)).isEqualTo(InstanceState.DRAINING);
    assertThat(view.state(T0.plusSeconds(15), GRACE)).isEqualTo(InstanceState.DRAINED);
    assertThat(view.toInstance("shop", T0.plusSeconds(12), GRACE, NO_ZONE).orElseThrow()
        .stateSince())
        .isEqualTo(T0.plusSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff",
      "CreateContainerConfigError"})
  void aPodStuckWaitingIsFailed(String reason) {
    Pod stuck = pod().withNewStatus().withPhase("Pending").withContainerStatuses(
        new ContainerStatusBuilder().withName("app").withNewState().withNewWaiting()
            .withReason(reason).endWaiting().endState().build()).endStatus().build();
    assertThat(new PodView(stuck).state(T0, GRACE)).isEqualTo(InstanceState.FAILED);
  }

  @Test
  void aFailedOrCompletedPodIsFailed() {
    assertThat(new PodView(pod().withNewStatus().withPhase("Failed").endStatus().build())
        .state(T0, GRACE)).isEqualTo(InstanceState.FAILED);
    assertThat(new PodView(pod().withNewStatus().withPhase("Succeeded").endStatus().build())
        .state(T0, GRACE)).isEqualTo(InstanceState.FAILED);
  }

  @Test
  void readyIsHealthyAndNotReadyIsUnknownWithinTheProbeWindowThenUnhealthy() {
    assertThat(new PodView(running(true)).health(T0.plusSeconds(3))).isEqualTo(Health.HEALTHY);
    PodView unready = new PodView(running(false));
    // the spec's probe: period 2 s, failure threshold 3, so 8 s after the start at T0 + 2 s
    assertThat(unready.probeWindow()).isEqualTo(Duration.ofSeconds(8));
    assertThat(unready.health(T0.plusSeconds(9))).isEqualTo(Health.UNKNOWN);
    assertThat(unready.health(T0.plusSeconds(10))).isEqualTo(Health.UNHEALTHY);
  }

  /** Ready status, its lastTransitionTime (blank: none), the healthySince reported ("-": none). */
  @ParameterizedTest(name = "Ready={0} since {1}: healthySince {2}")
  @CsvSource({
      "True,  2026-11-30T03:00:07.250Z, 2026-11-30T03:00:07.250Z",
      "True,  2026-11-30T03:00:07Z,     2026-11-30T03:00:08Z", // whole seconds: end of the second
      "True,  ,                         -",
      "False, 2026-11-30T03:00:07.250Z, -",
  })
  void aReadyPodsHealthyStreakStartsWhenReadyLastTurnedTrue(String status, String transition,
      String expected) {
    Pod pod = new PodBuilder(running(true)).editStatus().withConditions(new PodConditionBuilder()
        .withType("Ready").withStatus(status).withLastTransitionTime(transition).build())
        .endStatus().build();

    Instance seen = new PodView(pod).toInstance("shop", T0.plusSeconds(30), GRACE, NO_ZONE)
        .orElseThrow();

    assertThat(seen.healthySince().map(Instant::toString).orElse("-")).isEqualTo(expected);
  }

  @Test
  void podsWithoutOwnerLabelsOrBeingDeletedAreNoInstances() {
    Pod foreign = new PodBuilder(running(true)).editMetadata()
        .withLabels(Map.of(OwnerLabels.FLEET, "shop")).endMetadata().build();
    assertThat(new PodView(foreign).toInstance("shop", T0, GRACE, NO_ZONE)).isEmpty();
    assertThat(new PodView(running(true)).toInstance("other", T0, GRACE, NO_ZONE)).isEmpty();
    Pod deleting = new PodBuilder(running(true)).editMetadata()
        .withDeletionTimestamp(T0.toString()).endMetadata().build();
    assertThat(new PodView(deleting).toInstance("shop", T0, GRACE, NO_ZONE)).isEmpty();
  }
}
