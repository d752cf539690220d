package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

@MoltSimulation(seed = 42)
class MoltExtensionTest {

  @Test
  void injectsAPlatformSeededFromTheAnnotation(SimulatedPlatform sim) {
    assertThat(sim.seed()).isEqualTo(42);
    assertThat(sim.random().nextLong()).isEqualTo(new java.util.Random(42).nextLong());
    assertThat(sim.engine()).isSameAs(sim.engine());
  }

  @Test
  @MoltSimulation(seed = 7)
  void aMethodAnnotationOverridesTheClassOne(SimulatedPlatform sim) {
    assertThat(sim.seed()).isEqualTo(7);
  }

  @Test
  void aFailingTestCarriesItsSeedForReplay() {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(AlwaysFails.class)).build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);

    List<TestExecutionSummary.Failure> failures = listener.getSummary().getFailures();
    assertThat(failures).singleElement().satisfies(f -> {
      assertThat(f.getException()).hasMessageContaining("the fleet never converged");
      assertThat(f.getException().getSuppressed()).singleElement().satisfies(hint ->
          assertThat(hint).hasMessageContaining("seed 1234")
              .hasMessageContaining("-Dmolt.seed=1234"));
    });
  }

  /** Run only through the launcher above (surefire skips nested classes). */
  @MoltSimulation(seed = 1234)
  static class AlwaysFails {
    @Test
    void fails(SimulatedPlatform sim) {
      throw new AssertionError("the fleet never converged on seed " + sim.seed());
    }
  }
}
