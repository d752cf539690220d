package dev.molt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.WindowEnd;
import dev.molt.gate.Analysis;
import dev.molt.gate.AnalysisResult;
import dev.molt.gate.Effect;
import dev.molt.gate.Gate;
import dev.molt.gate.Measurement;
import dev.molt.gate.MetricResult;
import dev.molt.gate.Verdict;
import dev.molt.internal.Json;
import dev.molt.codec.RecordJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  /** The shapes a future strategy or record may use: maps keyed by revisions, sets, doubles. */
  public record Shapes(Map<Revision, Integer> weights, Set<RolloutPhase> phases,
      Optional<Double> ratio, List<Optional<Duration>> pauses, Map<RolloutPhase, String> notes) {}

  @Test
  void everyShapeRoundTripsThroughJsonText() {
    Shapes shapes = new Shapes(Map.of(Revision.of("r-0123456789"), 25,
        Revision.of("r-abcdefabcd"), 75), Set.of(RolloutPhase.PAUSED), Optional.of(0.25),
        List.of(Optional.of(Duration.ofMinutes(5)), Optional.empty()),
        Map.of(RolloutPhase.FAILED, "line\nbreak \u0001 \"q\""));

    String text = Json.write(RecordJson.toTree(shapes, Shapes.class));
    Object back = RecordJson.fromTree(Json.parse(text), Shapes.class);

    assertThat(back).isEqualTo(shapes);
    assertThat(text).contains("\"r-0123456789\":25");
  }

  @Test
  void aStoredValueIsValidatedAgainOnReadAndBadTextIsRejectedWithItsOffset() {
    assertThatThrownBy(() -> RecordJson.fromTree(Json.parse("{\"id\":\"not-a-revision\"}"),
        Revision.class)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("r-<10 hex>");
    assertThatThrownBy(() -> Json.parse("{\"a\":[1,2}")).hasMessageContaining("offset 9");
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("trailing");
  }

  @Test
  void perMetricResultsRoundTripAndRecordsWrittenBeforeThemReadBackEmpty() {
    MetricResult p99 = new MetricResult("p99", Verdict.FAIL, true, 1.0, 50, 50, Optional.of(900L),
        Optional.empty(), 0.05, Optional.of(new Effect(12.5, 8.0, 16.25, 0.9, 100.0, 1.0e-6,
        false)), "p99: canary worse");
    AnalysisResult result = new AnalysisResult(Verdict.FAIL,
        List.of(new Measurement(Verdict.FAIL, "worse", List.of(p99))));

    String text = Json.write(RecordJson.toTree(result, AnalysisResult.class));

    assertThat(RecordJson.fromTree(Json.parse(text), AnalysisResult.class)).isEqualTo(result);
    Object old = RecordJson.fromTree(Json.parse("{\"verdict\":\"PASS\",\"measurements\":"
        + "[{\"verdict\":\"PASS\",\"detail\":\"ok\"}]}"), AnalysisResult.class);
    assertThat(((AnalysisResult) old).measurements().get(0).metrics()).isEmpty();
    Analysis analysis = Analysis.of(Gate.constant(Verdict.PASS)).times(3, Duration.ofMinutes(1));
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) RecordJson.toTree(analysis, Analysis.class);
    tree.remove("maxExtraMeasurements");
    assertThat(((Analysis) RecordJson.fromTree(tree, Analysis.class)).maxExtraMeasurements())
        .isZero();
  }

  @Test
  void windowsRoundTripAndASpecWrittenBeforeThemIsAlwaysOpen() {
    RolloutSpec spec = Records.rolloutSpec("web");
    assertThat(spec.windows().windows()).isNotEmpty();

    String text = Json.write(RecordJson.toTree(spec, RolloutSpec.class));

    assertThat(RecordJson.fromTree(Json.parse(text), RolloutSpec.class)).isEqualTo(spec);
    assertThat(text).contains("\"zone\":\"Europe/Berlin\"", "\"start\":\"09:30\"",
        "\"atWindowEnd\":\"PAUSE\"");
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) RecordJson.toTree(spec, RolloutSpec.class);
    tree.remove("windows");
    tree.remove("atWindowEnd");
    RolloutSpec old = (RolloutSpec) RecordJson.fromTree(tree, RolloutSpec.class);
    assertThat(old.windows()).isEqualTo(DeploymentWindows.always());
    assertThat(old.atWindowEnd()).isEqualTo(WindowEnd.FINISH);
  }
}
