package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.Finding.Kind;
import dev.molt.reconcile.Finding.Remedy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Worked examples of sorting an observed fleet into findings. */
class FindingClassifierTest {
  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  private static final Revision DECLARED = Fixtures.V2.revision();
  private static final Revision OLD = Fixtures.V1.revision();
  private static final Duration GRACE = Duration.ofMinutes(1);

  private final FindingClassifier classifier = new FindingClassifier(Fixtures.V2, GRACE,
      r -> Optional.empty(), "rc-self");
  private final List<Instance> instances = new ArrayList<>();
  private final Map<String, Instant> unhealthySince = new HashMap<>();

  @Test
  void aFleetInLineHasNoFindings() {
    add("a", DECLARED, InstanceState.HEALTHY);
    add("b", DECLARED, InstanceState.LAUNCHING);
    FindingClassifier.Result r = classify(2);
    assertThat(r.findings()).isEmpty();
    assertThat(r.retire()).isEmpty();
    assertThat(r.hold()).isEmpty();
    assertThat(r.wakeAt()).isEmpty();
  }

  @Test
  void driftedInstancesAreReplacedWhileThereIsRoomAndSurplusBeyondIt() {
    add("a", DECLARED, InstanceState.HEALTHY);
    add("b", OLD, InstanceState.HEALTHY);
    add("c", OLD, InstanceState.HEALTHY);
    FindingClassifier.Result r = classify(2);
    assertThat(r.findings()).extracting(Finding::instanceId, Finding::kind, Finding::remedy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b", Kind.DRIFTED, Remedy.REPLACE),
            org.assertj.core.groups.Tuple.tuple("c", Kind.ORPHAN, Remedy.TERMINATE));
    assertThat(r.findings().get(1).reason()).startsWith("surplus: runs revision " + OLD);
  }

  @Test
  void theNewestDeclaredInstancesBeyondCapacityAreSurplusAndRetired() {
    add("a", DECLARED, InstanceState.HEALTHY);
    add("b", DECLARED, InstanceState.HEALTHY);
    add("c", DECLARED, InstanceState.HEALTHY);
    FindingClassifier.Result r = classify(2);
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.instanceId()).isEqualTo("c");
      assertThat(f.kind()).isEqualTo(Kind.ORPHAN);
    });
    assertThat(r.retire()).containsExactly("c");
  }

  @Test
  void anUndeclaredInstanceThatDoesNotServeIsAnOrphanNamingWhoLeftIt() {
    add("a", OLD, InstanceState.LAUNCHING);
    add("b", DECLARED, InstanceState.DRAINING);
    FindingClassifier.Result r = classify(1);
    assertThat(r.findings()).extracting(Finding::kind).containsExactly(Kind.ORPHAN, Kind.ORPHAN);
    assertThat(r.findings().get(0).reason()).contains("does not serve (LAUNCHING)",
        "left by rollout ro-a");
    assertThat(r.findings().get(1).reason()).startsWith("left draining since");
  }

  @Test
  void anUnhealthyInstanceIsHeldWithinItsGraceAndRetiredAfter() {
    add("a", DECLARED, InstanceState.UNHEALTHY);
    add("b", DECLARED, InstanceState.UNHEALTHY);
    unhealthySince.put("a", NOW.minusSeconds(20));
    unhealthySince.put("b", NOW.minusSeconds(60));
    FindingClassifier.Result r = classify(2);
    assertThat(r.hold()).containsExactly("a");
    assertThat(r.retire()).containsExactly("b");
    assertThat(r.wakeAt()).hasValue(NOW.plusSeconds(40));
    assertThat(r.findings()).extracting(Finding::remedy)
        .containsExactly(Remedy.REPLACE_IF_STILL_FAILING, Remedy.REPLACE);
  }

  @Test
  void aTaintWinsOverDriftAndTheRunsOwnInstancesAreNotFindings() {
    add("a", OLD, InstanceState.HEALTHY, Map.of(OwnerLabels.TAINTED, "touched"));
    add("b", DECLARED, InstanceState.UNHEALTHY, Map.of(OwnerLabels.ROLLOUT, "rc-self"));
    FindingClassifier.Result r = classify(2);
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(Kind.TAINTED);
      assertThat(f.reason()).isEqualTo("tainted: touched");
    });
  }

  private FindingClassifier.Result classify(int desired) {
    return classifier.classify(new Fleet(Fixtures.FLEET, desired, instances, Map.of()),
        unhealthySince, NOW);
  }

  private void add(String id, Revision revision, InstanceState state) {
    add(id, revision, state, Map.of());
  }

  private void add(String id, Revision revision, InstanceState state, Map<String, String> extra) {
    Map<String, String> labels = new HashMap<>(OwnerLabels.of(Fixtures.FLEET, revision, "ro-" + id));
    labels.putAll(extra);
    Instant launched = NOW.minusSeconds(600 - instances.size());
    instances.add(new Instance(id, Fixtures.FLEET, revision, Optional.empty(), state, launched,
        launched, state == InstanceState.HEALTHY ? Optional.of(launched) : Optional.empty(),
        labels));
  }
}
