package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The traffic guard never hands a dark revision's weight to a fresh baseline. */
class FreshBaselineTrafficTest {
  static final Revision STABLE = Fixtures.V1.revision();
  static final Revision CANARY = Fixtures.V2.revision();
  static final Revision BASE = FreshBaseline.specFor(Fixtures.V1).revision();
  static final Instant T = Instant.parse("2024-01-01T12:00:00Z");

  static Instance instance(String id, Revision revision, InstanceState state, boolean baseline) {
    Map<String, String> labels = new HashMap<>(OwnerLabels.of(Fixtures.FLEET, revision, "ro-1"));
    if (baseline) {
      labels.put(OwnerLabels.ROLE, OwnerLabels.BASELINE);
    }
    return new Instance(id, Fixtures.FLEET, revision, Optional.empty(), state, T, T,
        Optional.of(T), labels);
  }

  @Test
  void aDarkCanarysWeightGoesToStableOnlyAndTheBaselineKeepsItsOwn() {
    Map<Revision, Integer> split = Map.of(STABLE, 80, BASE, 10, CANARY, 10);
    Fleet fleet = new Fleet(Fixtures.FLEET, 10, List.of(
        instance("s1", STABLE, InstanceState.HEALTHY, false),
        instance("b1", BASE, InstanceState.HEALTHY, true),
        instance("c1", CANARY, InstanceState.UNHEALTHY, false)), split);

    assertThat(TrafficGuard.towardHealth(split, fleet))
        .contains(Map.of(STABLE, 90, BASE, 10, CANARY, 0));
  }

  @Test
  void aDarkStableFleetIsNotReplacedByTheBaseline() {
    Map<Revision, Integer> split = Map.of(STABLE, 80, BASE, 10, CANARY, 10);
    Fleet fleet = new Fleet(Fixtures.FLEET, 10, List.of(
        instance("s1", STABLE, InstanceState.UNHEALTHY, false),
        instance("b1", BASE, InstanceState.HEALTHY, true),
        instance("c1", CANARY, InstanceState.HEALTHY, false)), split);

    assertThat(TrafficGuard.towardHealth(split, fleet))
        .contains(Map.of(STABLE, 0, BASE, 10, CANARY, 90));
  }

  @Test
  void theBaselineSpecIsTheStableSpecWithTheRoleOptionAndItsLaunchesAreLabelled() {
    assertThat(FreshBaseline.specFor(Fixtures.V1).image()).isEqualTo(Fixtures.V1.image());
    assertThat(BASE).isNotEqualTo(STABLE);
    assertThat(new dev.molt.spi.LaunchRequest(Fixtures.FLEET, FreshBaseline.specFor(Fixtures.V1),
        1, "ro-1", "k-1").ownerLabels()).containsEntry(OwnerLabels.ROLE, OwnerLabels.BASELINE)
        .containsEntry(OwnerLabels.REVISION, BASE.id());
    assertThat(new dev.molt.spi.LaunchRequest(Fixtures.FLEET, Fixtures.V1, 1, "ro-1", "k-1")
        .ownerLabels()).doesNotContainKey(OwnerLabels.ROLE);
  }
}
