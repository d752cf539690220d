package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Image;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutPlan;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specs read from the example files drive the engine; a bad file drives nothing. */
class RunFromFilesTest {
  final VirtualTime time = VirtualTime.create();
  final InMemoryProvider platform = InMemoryProvider.builder(time).build();
  final RolloutEngine engine = RolloutEngine.builder(platform).time(time).build();

  /** What a tool does with a file: read it, then run it. */
  Rollout apply(Path file) {
    RolloutSpec spec = ExampleFilesTest.reader().readRollout(file).spec();
    return engine.run(spec);
  }

  @Test
  void theRollingExampleRollsOut() {
    Rollout done = apply(ExampleFilesTest.EXAMPLES.resolve("rolling.yaml"));

    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    assertThat(platform.instances("web")).hasSize(10);
  }

  @Test
  void anInvalidFileLaunchesNothing(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("rollout.yaml");
    Files.writeString(bad, Files.readString(ExampleFilesTest.EXAMPLES.resolve("rolling.yaml"))
        .replace("maxSurge: 2", "maxSurge: 200%"));

    assertThatThrownBy(() -> apply(bad))
        .isInstanceOf(SpecFileException.class)
        .hasMessage(bad + ":24:13 strategy.maxSurge: a percentage must be at most 100, was 200%");
    assertThat(platform.calls()).isEmpty();
  }

  @Test
  void theCanaryExamplePlansItsTemplatesByName() {
    RolloutSpec spec = ExampleFilesTest.reader()
        .readRollout(ExampleFilesTest.EXAMPLES.resolve("canary.yaml")).spec();
    engine.run(spec.toBuilder().strategy(RollingUpdate.defaults())
        .target(spec.target().withImage(Image.of("registry.example/web@sha256:" + "1".repeat(64),
            "v1"))).build());
    long launchesBefore = platform.callCount("launch");

    RolloutPlan plan = engine.plan(spec);

    assertThat(plan.steps()).extracting(RolloutPlan.Step::description)
        .anySatisfy(d -> assertThat(d).contains("healthy x3"))
        .anySatisfy(d -> assertThat(d).contains("latency x3"));
    assertThat(platform.callCount("launch")).isEqualTo(launchesBefore); // a plan only observes
  }

  @Test
  void theReconcileExampleHoldsItsFleet() {
    ReconcileSpec spec = ExampleFilesTest.reader()
        .readReconcile(ExampleFilesTest.EXAMPLES.resolve("reconcile.yaml")).spec();

    ReconcileReport report = engine.reconcile(spec).await();

    assertThat(spec.unhealthyGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(spec.declared().image().base()).isPresent();
    assertThat(report.isComplete()).isTrue();
    assertThat(platform.instances("web")).hasSize(10);
  }
}
