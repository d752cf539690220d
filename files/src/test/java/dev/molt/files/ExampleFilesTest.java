package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.rollout.RolloutSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file under examples/rollouts reads, writes back byte for byte, and reads back equal. */
class ExampleFilesTest {
  static final Path EXAMPLES = Path.of("..", "examples", "rollouts");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Path> all = files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)")).sorted()
          .toList();
      assertThat(all).hasSizeGreaterThanOrEqualTo(6);
      return all.stream();
    }
  }

  /** The reader for the examples: the shared templates of gates.yaml are given to it. */
  static SpecFiles reader() {
    return SpecFiles.builder()
        .templates(SpecFiles.create().readTemplates(EXAMPLES.resolve("gates.yaml")))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void writingWhatWasReadGivesTheSameFile(Path example) throws IOException {
    SpecFiles files = example.endsWith("gates.yaml") ? SpecFiles.create() : reader();
    SpecFile read = files.read(example);

    String written = files.write(read, Format.of(example));
    Path actual = Path.of("target", "written", example.getFileName().toString());
    Files.createDirectories(actual.getParent());
    Files.writeString(actual, written, StandardCharsets.UTF_8); // to diff when this fails

    assertThat(written).isEqualTo(Files.readString(example, StandardCharsets.UTF_8));
    assertThat(files.parse(example.toString(), written, Format.of(example))).isEqualTo(read);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theOtherNotationHoldsTheSameSpec(Path example) {
    SpecFiles files = example.endsWith("gates.yaml") ? SpecFiles.create() : reader();
    SpecFile read = files.read(example);
    Format other = Format.of(example) == Format.JSON ? Format.YAML : Format.JSON;

    SpecFile again = files.parse("converted", files.write(read, other), other);

    assertThat(again).isEqualTo(read);
  }

  @Test
  void rolloutFileOfASpecDeclaresWhatItUsesAndReadsBackAlone() {
    RolloutSpec spec = reader().readRollout(EXAMPLES.resolve("canary-shared-gates.json")).spec();

    RolloutFile standalone = RolloutFile.of(spec);
    String text = SpecFiles.create().write(standalone, Format.YAML);

    assertThat(standalone.templates()).extracting(GateTemplate::name)
        .containsExactly("error-rate", "smoke", "release-checks");
    assertThat(SpecFiles.create().parse("standalone.yaml", text, Format.YAML))
        .isEqualTo(standalone);
  }
}
