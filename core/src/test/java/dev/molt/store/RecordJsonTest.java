package dev.molt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.RolloutPhase;
import dev.molt.internal.Json;
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
}
