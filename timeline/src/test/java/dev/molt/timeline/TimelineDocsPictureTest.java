package dev.molt.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's picture, docs/images/canary-failed-analysis.svg, is what this code draws now for
 * {@link SampleRollouts#canaryFailedAnalysis()}: a change to the drawing (or to what the engine
 * records) that changes it fails here until the picture is drawn again with
 * {@code -Dmolt.timeline.regenerate=true} (see docs/timeline.md) and committed.
 */
class TimelineDocsPictureTest {
  static final String PICTURE = "images/canary-failed-analysis.svg";

  @Test
  void theCommittedPictureIsWhatTheCodeDrawsNow() throws IOException {
    Path file = docs().resolve(PICTURE);
    String drawn = Timeline.of(SampleRollouts.canaryFailedAnalysis().rollout()).svg();
    if (Boolean.getBoolean("molt.timeline.regenerate")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, drawn, StandardCharsets.UTF_8);
    }

    assertThat(file).as("the README picture (draw it with -Dmolt.timeline.regenerate=true)")
        .exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .as("docs/%s is stale: draw it again with -Dmolt.timeline.regenerate=true"
            + " (docs/timeline.md)", PICTURE)
        .isEqualTo(drawn);
  }

  @Test
  void theReadmeShowsThePicture() throws IOException {
    String readme = Files.readString(docs().resolveSibling("README.md"), StandardCharsets.UTF_8);

    assertThat(readme).contains("](docs/" + PICTURE + ")");
  }

  private static Path docs() {
    String dir = System.getProperty("molt.docs.dir");
    assertThat(dir).as("system property molt.docs.dir (set by the module's pom)").isNotBlank();
    return Path.of(dir);
  }
}
