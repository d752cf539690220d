package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.gate.Analysis;
import dev.molt.gate.CanaryScore;
import dev.molt.gate.HealthyShare;
import dev.molt.gate.HttpProbe;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.PrometheusMetricSource;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.molt.rollout.DeploymentWindows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each mapped spec's record components are the keys of its object in files (with the few renames
 * listed here), so a field added to a core spec fails this test instead of being dropped silently
 * by the writer.
 */
class MappingCompletenessTest {
  /** Components written under another key, and keys that are the file's own. */
  static final Map<String, String> RENAMED = Map.of("kind", "type", "baseUri", "url", "day",
      "days");

  static List<Object[]> specs() {
    return List.of(
        new Object[] {RolloutSpec.class, Keys.ROLLOUT, Set.of()},
        new Object[] {LaunchSpec.class, Keys.LAUNCH, Set.of()},
        new Object[] {Image.class, Keys.IMAGE, Set.of()},
        new Object[] {HealthCheck.class, Keys.HEALTH_CHECK, Set.of()},
        new Object[] {RollingUpdate.class, Keys.ROLLING, Set.of()},
        new Object[] {ZonalRollout.class, Keys.ZONES, Set.of()},
        new Object[] {BlueGreen.class, Keys.BLUE_GREEN, Set.of("type")},
        new Object[] {Canary.class, Keys.CANARY, Set.of("type")},
        new Object[] {Analysis.class, Keys.ANALYSIS, Set.of("template")},
        new Object[] {HealthyShare.class, Keys.HEALTHY_SHARE, Set.of()},
        new Object[] {HttpProbe.class, Keys.HTTP_PROBE, Set.of()},
        new Object[] {MetricComparison.class, Keys.METRIC_COMPARISON, Set.of()},
        new Object[] {CanaryScore.class, Keys.CANARY_SCORE, Set.of()},
        new Object[] {PrometheusMetricSource.class, Keys.METRIC_SOURCE, Set.of("type")},
        new Object[] {DeploymentWindows.Weekly.class, Keys.WEEKLY, Set.of()},
        new Object[] {DeploymentWindows.Freeze.class, Keys.FREEZE, Set.of()});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyComponentHasAKey(Class<? extends Record> spec, Set<String> keys, Set<String> own) {
    List<String> expected = new ArrayList<>();
    for (RecordComponent c : spec.getRecordComponents()) {
      expected.add(RENAMED.getOrDefault(c.getName(), c.getName()));
    }
    List<String> fileKeys = keys.stream().filter(k -> !own.contains(k)).toList();

    assertThat(fileKeys).as(spec.getSimpleName()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void deploymentWindowsWriteTheirWeeklyWindowsUnderWeekly() {
    List<String> components = new ArrayList<>();
    for (RecordComponent c : DeploymentWindows.class.getRecordComponents()) {
      components.add(c.getName());
    }

    assertThat(components).containsExactly("zone", "windows", "freezes");
    assertThat(Keys.WINDOWS).containsExactly("zone", "weekly", "freezes");
  }

  @Test
  void aReconcileIsItsRolloutsSharedFieldsAndItsOwn() {
    List<String> components = new ArrayList<>();
    for (RecordComponent c : ReconcileSpec.class.getRecordComponents()) {
      components.add(c.getName());
    }

    assertThat(components).containsExactly("rollout", "unhealthyGrace", "dryRun");
    // the rollout's fields a reconcile takes, by the names of ReconcileSpec's accessors
    assertThat(Keys.RECONCILE).containsExactlyInAnyOrder("fleet", "capacity", "declared",
        "rolling", "progressDeadline", "drainTimeout", "unhealthyGrace", "dryRun");
  }
}
