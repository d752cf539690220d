package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageTest {
  private static final String HEX = "ab".repeat(32);

  @ParameterizedTest
  @ValueSource(strings = {"nginx:latest", "nginx", "registry.example/app:1.2.3",
      "repo@sha256:abc", "sha256:XYZ", "ami-123", "", "repo@sha256:" + "AB"})
  void rejectsUnpinnedReferencesNamingTheField(String reference) {
    assertThatThrownBy(() -> Image.of(reference, "v1"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("reference"));
  }

  @Test
  void explainsHowToPinATag() {
    assertThatThrownBy(() -> Image.of("nginx:latest", "v1"))
        .hasMessageContaining("'nginx:latest' is not pinned")
        .hasMessageContaining("@sha256:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx@sha256:" + "ab" + "ab", "ghcr.io/org/app:1.0@sha256:",
      "sha256:", "ami-0123456789abcdef0", "ami-01234567"})
  void acceptsDigestsImageIdsAndMachineImages(String prefix) {
    String reference = prefix.endsWith("sha256:") ? prefix + HEX
        : prefix.startsWith("nginx") ? "nginx@sha256:" + HEX : prefix;
    assertThat(Image.of(reference, "v1").reference()).isEqualTo(reference);
  }

  @Test
  void tracksLineageTransitively() {
    Image os = Image.of("sha256:" + "0".repeat(64), "debian-12.7");
    Image runtime = Image.of("sha256:" + "1".repeat(64), "jre-17").withBase(os);
    Image app = Image.of("sha256:" + "2".repeat(64), "app-247").withBase(runtime)
        .withBuiltAt(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(app.isBuiltOn(runtime)).isTrue();
    assertThat(app.isBuiltOn(os)).isTrue();
    assertThat(os.isBuiltOn(app)).isFalse();
    assertThat(app.builtAt()).contains(Instant.parse("2026-01-01T00:00:00Z"));
  }
}
