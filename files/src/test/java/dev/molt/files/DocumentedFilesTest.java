package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The whole documents shown in README.md and docs/files.md read, and validate against the schema. */
class DocumentedFilesTest {
  private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```");

  static List<String> documents(Path markdown) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = YAML_BLOCK.matcher(Files.readString(markdown));
    while (m.find()) {
      String block = m.group(1);
      if (block.startsWith("apiVersion:") && !block.contains("{}")) { // {} marks a skeleton
        out.add(block);
      }
    }
    return out;
  }

  @Test
  void theReadmeRolloutFileReadsAndValidates() throws IOException {
    List<String> docs = documents(Path.of("..", "README.md"));

    assertThat(docs).hasSize(1);
    for (String doc : docs) {
      assertThat(SpecFiles.create().parse("README.md", doc, Format.YAML))
          .isInstanceOf(RolloutFile.class);
      assertThat(SchemaTest.validate(doc, Format.YAML)).isEmpty();
    }
  }

  @Test
  void theErrorsDocsFilesMdShowsAreTheOnesTheTableChecks() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "files.md"));
    List<String> shown = docs.lines().filter(l -> l.startsWith("rollout.yaml:")).toList();

    assertThat(shown).hasSizeGreaterThanOrEqualTo(6);
    List<String> checked = FileErrorsTest.badFiles()
        .map(a -> (String) a.get()[2]).toList();
    for (String line : shown) {
      String head = line.endsWith("...") ? line.substring(0, line.length() - 3).strip() : line;
      assertThat(checked).as(line).anySatisfy(c -> assertThat(c).startsWith(head));
    }
  }
}
